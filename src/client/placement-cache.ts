/**
 * What a client knows of a cluster's placement (`GET /v1/cluster/placement`), to send each
 * tenant's requests straight to a node that holds it instead of through the one it was given.
 * Read at most once per `ttlMs` and forgotten when a node cannot be reached; a server that is
 * not a cluster (404) is remembered as such, and then every request goes to the given address.
 */
export class PlacementCache {
  readonly #url: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #ttlMs: number;
  #read: Promise<Map<string, string> | undefined> | undefined;
  #readAt = 0;

  constructor(options: { url: string; token: string; fetch: typeof fetch; ttlMs: number }) {
    this.#url = options.url;
    this.#token = options.token;
    this.#fetch = options.fetch;
    this.#ttlMs = options.ttlMs;
  }

  /** The address of the tenant's first live holder, or undefined: send it to the given address. */
  async nodeFor(tenant: string): Promise<string | undefined> {
    if (this.#read === undefined || Date.now() - this.#readAt > this.#ttlMs) {
      this.#readAt = Date.now();
      this.#read = this.#readPlacement().catch(() => undefined);
    }
    return (await this.#read)?.get(tenant);
  }

  /** A routed node could not be reached: read the placement again before the next request. */
  forget(): void {
    this.#read = undefined;
  }

  async #readPlacement(): Promise<Map<string, string> | undefined> {
    const response = await this.#fetch(`${this.#url}/v1/cluster/placement`, {
      headers: { authorization: `Bearer ${this.#token}` },
    });
    if (!response.ok) return undefined;
    const placement = (await response.json()) as {
      nodes: { id: string; url: string; live: boolean }[];
      tenants: Record<string, string[]>;
    };
    const urls = new Map(placement.nodes.filter((node) => node.live).map((node) => [node.id, node.url]));
    const routes = new Map<string, string>();
    for (const [tenant, holders] of Object.entries(placement.tenants)) {
      const url = holders.map((id) => urls.get(id)).find((found) => found !== undefined);
      if (url !== undefined) routes.set(tenant, url.replace(/\/$/, ""));
    }
    return routes;
  }
}
