import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * How far a hop's time may be from the receiver's clock, either way, and still be honoured. A
 * hop outside it is treated as a client's request; nodes whose clocks drift this far apart are
 * told in the log (see `HopCheck.stale`).
 */
export const HOP_SKEW_MS = 60_000;

/** The first word of every hop: a later format is a new word, and this one refuses it. */
const FORMAT = "h1";

/** A forwarded request's hop, once verified: who forwarded it, and for whom. */
export interface Hop {
  /** The forwarding node's id. */
  readonly node: string;
  /** The address of the client that asked the forwarding node: the one the holder audits. */
  readonly client: string;
}

/** What a hop is signed for: the request as the holder receives it. */
export interface HopTarget {
  /** The HTTP method; `gRPC` for a gRPC call. */
  readonly method: string;
  /** The path and query (a gRPC call: its method path and tenant). */
  readonly path: string;
}

/** Why a hop was not honoured, when it was signed right but at the wrong time: a clock to fix. */
export interface HopCheck {
  readonly hop: Hop | undefined;
  /** Set when the signature held but the time was off by more than `HOP_SKEW_MS`. */
  readonly stale?: { readonly node: string; readonly offMs: number };
}

/**
 * The node-to-node proof on a forwarded request: `h1 NODE TIME CLIENT MAC`, where MAC is an
 * HMAC-SHA256, under the cluster secret every node reads from the store, of the method, the path,
 * the node, the client's address and the time. A client cannot make one (it lacks the secret), so
 * it cannot make a node answer a tenant the node does not hold, nor name another client address
 * in the holder's audit. The time bounds how long a hop seen on the wire can be replayed, and
 * only for the same method and path.
 */
export class HopSigner {
  readonly #key: Buffer;
  readonly #clock: () => number;

  constructor(secret: string, clock: () => number = Date.now) {
    this.#key = Buffer.from(secret, "utf8");
    this.#clock = clock;
  }

  sign(target: HopTarget, hop: Hop): string {
    const at = this.#clock();
    const mac = this.#mac(target, hop, at).toString("base64url");
    return [FORMAT, encodeURIComponent(hop.node), String(at), encodeURIComponent(hop.client), mac].join(" ");
  }

  /** The hop, when `value` was signed by a node for this very request within the skew. */
  verify(value: unknown, target: HopTarget): HopCheck {
    if (typeof value !== "string") return { hop: undefined };
    const parts = value.split(" ");
    if (parts.length !== 5 || parts[0] !== FORMAT) return { hop: undefined };
    const at = Number(parts[2]);
    if (!/^\d{1,16}$/.test(parts[2]!) || !Number.isSafeInteger(at)) return { hop: undefined };
    let hop: Hop;
    try {
      hop = { node: decodeURIComponent(parts[1]!), client: decodeURIComponent(parts[3]!) };
    } catch {
      return { hop: undefined };
    }
    const given = Buffer.from(parts[4]!, "base64url");
    const expected = this.#mac(target, hop, at);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { hop: undefined };
    const offMs = this.#clock() - at;
    if (Math.abs(offMs) > HOP_SKEW_MS) return { hop: undefined, stale: { node: hop.node, offMs } };
    return { hop };
  }

  #mac(target: HopTarget, hop: Hop, at: number): Buffer {
    // JSON: no field can run into the next, whatever its characters.
    return createHmac("sha256", this.#key)
      .update(JSON.stringify([FORMAT, target.method, target.path, hop.node, hop.client, at]))
      .digest();
  }
}

/** The path and query a hop is signed for: the request target as the holder receives it. */
export function hopPath(requestUrl: string): string {
  const { pathname, search } = new URL(requestUrl, "http://forwarded.invalid");
  return `${pathname}${search}`;
}

/** A request as far as its client's address goes: a verified hop names the forwarding node's client. */
export interface AddressedRequest {
  readonly ip: string;
  readonly forwardedBy?: Hop | undefined;
}

/** The address of the client behind a request: the one a verified hop names, else the connection's. */
export function clientAddressOf(request: AddressedRequest): string {
  return request.forwardedBy?.client ?? request.ip;
}
