import type { Gatehouse } from "../service/gatehouse.js";
import type { NodeRecord } from "../store/node-records.js";

/** A node as the store lists it; the surfaces (HTTP, gRPC) name it through here, not the store. */
export type { NodeRecord };

import { HopSigner } from "./hop.js";
import type { MemoryBudget } from "./memory-budget.js";
import { NodeRegistry, type NodeSelf } from "./node-registry.js";
import { copiesOf, rankNodes } from "./placement.js";

export interface ClusterSettings {
  readonly heartbeatMs: number;
  readonly timeoutMs: number;
  /** Copies of each tenant (`--replicas`), see `placement.ts`. */
  readonly replicas: number;
}

/** The last time the placement changed here: what this node took and dropped, and how long loading took. */
export interface Rebalance {
  readonly at: string;
  readonly liveNodes: number;
  readonly loaded: readonly string[];
  readonly dropped: readonly string[];
  readonly loadMs: number;
}

interface Log {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * One node of `serve --cluster`: its membership (the registry), which tenants it holds (the
 * placement over the live nodes), and the indexes that follow from it. When the live nodes
 * change it drops the indexes of tenants that moved away and loads those that moved here, one
 * at a time, through Gatehouse's normal load, so that its first request does not wait for it.
 *
 * Placement decides where memory goes, never what is true: every node reads the one store, so
 * any node that answers a tenant answers it right (at the revision it says). That is why a node
 * whose holder cannot be reached answers itself, and why nodes that briefly disagree about
 * placement are harmless.
 */
export class ClusterNode {
  readonly settings: ClusterSettings;
  /** Made at `start`, once this node's address is known. */
  #registry: NodeRegistry | undefined;
  readonly #gatehouse: Gatehouse;
  readonly #budget: MemoryBudget | undefined;
  readonly #log: Log;
  /** Each tenant's live nodes, best first, for the current live set. */
  readonly #ranked = new Map<string, readonly NodeRecord[]>();
  #rebalancing: Promise<void> = Promise.resolve();
  #lastRebalance: Rebalance | undefined;
  #stopped = false;
  /** Known at `start`. */
  #id = "";
  /** Read from the store at `start`; before it, no hop is honoured (and none is needed: no node is known). */
  #hop: HopSigner | undefined;

  constructor(gatehouse: Gatehouse, settings: ClusterSettings, log: Log, budget?: MemoryBudget) {
    this.#gatehouse = gatehouse;
    this.settings = settings;
    this.#budget = budget;
    this.#log = log;
  }

  /** This node's id in the store (`--node-id`); empty before `start`. */
  get id(): string {
    return this.#id;
  }

  /** Signs this node's forwarded requests and verifies those of the others (undefined before `start`). */
  get hop(): HopSigner | undefined {
    return this.#hop;
  }

  get lastRebalance(): Rebalance | undefined {
    return this.#lastRebalance;
  }

  /** The live nodes, by id (none before `start`). */
  get live(): readonly NodeRecord[] {
    return this.#registry?.live ?? [];
  }

  /**
   * Joins the cluster as `self.id`, reachable at `self.url` (and its gRPC door at `self.grpcUrl`):
   * registers, reads the others, and loads this node's tenants in the background.
   */
  async start(self: NodeSelf): Promise<void> {
    const settings = this.settings;
    this.#id = self.id;
    this.#hop = new HopSigner(await this.#gatehouse.store.clusterSecret());
    this.#registry = new NodeRegistry({
      store: this.#gatehouse.store,
      self,
      heartbeatMs: settings.heartbeatMs,
      timeoutMs: settings.timeoutMs,
      onChange: (live) => {
        this.#ranked.clear();
        this.#log.info({ nodes: live.map((node) => node.id) }, "cluster: the live nodes changed");
        void this.rebalance();
      },
      onError: (error) => this.#log.warn({ err: error }, "cluster: the heartbeat failed"),
      onForget: (node) =>
        this.#log.info(
          { node: node.id, beatAt: node.beatAt },
          "cluster: removed the row of a node long dead",
        ),
      onBeat: () => this.#dropStrays(),
    });
    await this.#registry.start();
  }

  /** Leaves the cluster: the row goes, and the others take this node's tenants at their next heartbeat. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#registry?.stop();
    await this.#rebalancing;
  }

  /** Every live node for the tenant, best first: its holders, then the fallbacks in order. */
  ranked(tenant: string): readonly NodeRecord[] {
    let ranked = this.#ranked.get(tenant);
    if (ranked === undefined) {
      ranked = rankNodes(tenant, this.live);
      this.#ranked.set(tenant, ranked);
    }
    return ranked;
  }

  /** The live nodes that hold the tenant, best first. */
  holders(tenant: string): readonly NodeRecord[] {
    return this.ranked(tenant).slice(0, copiesOf(tenant, this.settings.replicas));
  }

  /** Whether this node answers the tenant itself (also before it knows any node, itself included). */
  holds(tenant: string): boolean {
    const holders = this.holders(tenant);
    return holders.length === 0 || holders.some((node) => node.id === this.id);
  }

  /**
   * Follows the placement: drops indexes of tenants this node no longer holds, then loads those
   * it holds and has not loaded (within the memory budget). Passes run one at a time.
   */
  rebalance(): Promise<void> {
    this.#rebalancing = this.#rebalancing.then(() =>
      this.#rebalance().catch((error: unknown) =>
        this.#log.warn({ err: error }, "cluster: loading the tenants placed here failed"),
      ),
    );
    return this.#rebalancing;
  }

  /**
   * Drops the indexes of tenants this node does not hold: those that moved away, and those it
   * loaded to answer itself (a forwarded request, a holder it could not reach) — such a load
   * can finish after the placement moved on, so this runs at every heartbeat, not only on a change.
   */
  #dropStrays(): string[] {
    const engine = this.#gatehouse.engine;
    const dropped: string[] = [];
    for (const tenant of engine.loadedTenants()) {
      if (this.holds(tenant)) continue;
      engine.dropTenant(tenant);
      dropped.push(tenant);
    }
    return dropped;
  }

  async #rebalance(): Promise<void> {
    const engine = this.#gatehouse.engine;
    const dropped = this.#dropStrays();
    const started = performance.now();
    const loaded: string[] = [];
    for (const tenant of await this.#gatehouse.tenants()) {
      if (this.#stopped) break;
      if (!this.holds(tenant) || engine.hasTenant(tenant)) continue;
      // Warming stops at the budget: loading only to evict again would be wasted work.
      if (this.#budget && this.#budget.estimate() >= this.#budget.bytes) break;
      await this.#gatehouse.loadTenantIndex(tenant);
      loaded.push(tenant);
    }
    this.#budget?.enforce();
    this.#lastRebalance = {
      at: new Date().toISOString(),
      liveNodes: this.live.length,
      loaded,
      dropped,
      loadMs: Math.round(performance.now() - started),
    };
    if (loaded.length > 0 || dropped.length > 0)
      this.#log.info(this.#lastRebalance, "cluster: followed the placement");
  }

  /**
   * The nodes, and for each tenant named its holders' ids, best first: what a client routes by.
   * Every tenant list in it is limited to the tenants named (the caller's own, for a limited token).
   */
  placement(tenants: readonly string[]): {
    node: string;
    replicas: number;
    nodes: { id: string; url: string; grpcUrl: string | null; live: boolean; beatAt: string }[];
    tenants: Record<string, string[]>;
    loaded: { tenant: string; relationships: number }[];
    lastRebalance: Rebalance | null;
  } {
    const engine = this.#gatehouse.engine;
    const named = new Set(tenants);
    return {
      node: this.id,
      replicas: this.settings.replicas,
      nodes: (this.#registry?.known ?? []).map(({ record, live }) => ({
        id: record.id,
        url: record.url,
        grpcUrl: record.grpcUrl,
        live,
        beatAt: record.beatAt,
      })),
      tenants: Object.fromEntries(
        tenants.map((tenant) => [tenant, this.holders(tenant).map((node) => node.id)]),
      ),
      loaded: engine
        .loadedTenants()
        .filter((tenant) => named.has(tenant))
        .sort()
        .map((tenant) => ({ tenant, relationships: engine.loadedIndex(tenant)?.data.size ?? 0 })),
      // Of the tenants named only: a token limited to tenants never hears of the others.
      lastRebalance:
        this.#lastRebalance === undefined
          ? null
          : {
              ...this.#lastRebalance,
              loaded: this.#lastRebalance.loaded.filter((tenant) => named.has(tenant)),
              dropped: this.#lastRebalance.dropped.filter((tenant) => named.has(tenant)),
            },
    };
  }
}
