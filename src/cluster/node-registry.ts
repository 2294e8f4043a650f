import type { NodeRecord, NodeStore } from "../store/node-records.js";

/** What a node says of itself: its id and where it is reached. */
export interface NodeSelf {
  readonly id: string;
  readonly url: string;
  /** Its SpiceDB gRPC door, `grpc://host:port` or `grpcs://host:port`; absent: none. */
  readonly grpcUrl?: string | undefined;
}

/**
 * A node whose beat stood still for this many timeouts is removed from the store by whichever
 * node sees it first. Not at one timeout: for a while the placement still shows a crashed node,
 * not live, so that whoever looks sees what happened; but a crashed node's row does not stay for
 * good (node ids of containers change at every start). A node removed while alive loses nothing:
 * its next beat writes its row again.
 */
export const TIMEOUTS_TO_FORGET = 10;

export interface NodeRegistryOptions {
  readonly store: NodeStore;
  readonly self: NodeSelf;
  /** How often this node beats its row and reads the others'. */
  readonly heartbeatMs: number;
  /** A node whose beat has not moved for this long is gone. */
  readonly timeoutMs: number;
  /** A node gone this long has its row removed (default TIMEOUTS_TO_FORGET × timeoutMs). */
  readonly forgetMs?: number;
  /** Called when the live nodes (their ids or addresses) change. */
  readonly onChange?: (live: readonly NodeRecord[]) => void;
  readonly onError?: (error: unknown) => void;
  /** Called when this node removed a dead node's row. */
  readonly onForget?: (node: NodeRecord) => void;
  /** Called after every heartbeat that read the rows, changed or not. */
  readonly onBeat?: () => void;
  /** A monotonic clock in milliseconds (tests pass their own). */
  readonly clock?: () => number;
}

/**
 * This node's membership of the cluster: it registers in the store, beats its row every
 * heartbeat, and reads everyone's rows at the same time. A node is live while its beat moves,
 * as this node's own monotonic clock measures it, so clocks are never compared across machines:
 * a node seen for the first time counts as live, and is gone once its beat has stood still for
 * the timeout. A node that stops cleanly removes its row, and the others see it gone at their
 * next heartbeat.
 */
export class NodeRegistry {
  readonly #options: NodeRegistryOptions;
  readonly #clock: () => number;
  readonly #startedAt = new Date().toISOString();
  /** Each row's last beat seen, and when (by `clock`) it was first seen at that beat. */
  readonly #seen = new Map<string, { record: NodeRecord; movedAt: number }>();
  #live: readonly NodeRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> = Promise.resolve();

  constructor(options: NodeRegistryOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => performance.now());
  }

  get self(): NodeSelf {
    return this.#options.self;
  }

  /** The live nodes, by id, this node among them. */
  get live(): readonly NodeRecord[] {
    return this.#live;
  }

  /** Every row read at the last heartbeat, with whether it is live. */
  get known(): readonly { record: NodeRecord; live: boolean }[] {
    const live = new Set(this.#live.map((node) => node.id));
    // By id, as the store lists them (the map's order is when each was first seen).
    return [...this.#seen.values()]
      .map(({ record }) => ({ record, live: live.has(record.id) }))
      .sort((a, b) => (a.record.id < b.record.id ? -1 : 1));
  }

  /** Registers and reads the others once, then beats every heartbeat until `stop`. */
  async start(): Promise<void> {
    await this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#options.heartbeatMs);
    this.#timer.unref();
  }

  /** One heartbeat: beat this node's row, read all rows, and tell of a change in the live set. */
  tick(): Promise<void> {
    this.#ticking = this.#ticking.then(() =>
      this.#beatAndRead().catch((error: unknown) => this.#options.onError?.(error)),
    );
    return this.#ticking;
  }

  async #beatAndRead(): Promise<void> {
    const { store, self } = this.#options;
    await store.beatNode({ ...self, startedAt: this.#startedAt });
    this.observe(await store.listNodes());
    this.#options.onBeat?.();
    await this.#forgetDead();
  }

  /** Removes the rows of nodes dead for `forgetMs`; they leave `known` (and the placement's nodes). */
  async #forgetDead(): Promise<void> {
    const { store, timeoutMs, forgetMs = TIMEOUTS_TO_FORGET * timeoutMs } = this.#options;
    const now = this.#clock();
    for (const [id, { record, movedAt }] of this.#seen) {
      if (id === this.self.id || now - movedAt < forgetMs) continue;
      // Conditional on the beat judged: a node that beat meanwhile keeps its row.
      if (await store.removeDeadNode(id, record.beat)) this.#options.onForget?.(record);
      this.#seen.delete(id);
    }
  }

  /** Judges the rows read (public for tests, which drive the clock). */
  observe(rows: readonly NodeRecord[]): void {
    const now = this.#clock();
    const present = new Set<string>();
    for (const record of rows) {
      present.add(record.id);
      const before = this.#seen.get(record.id);
      if (before === undefined || before.record.beat !== record.beat || before.record.url !== record.url)
        this.#seen.set(record.id, { record, movedAt: now });
    }
    for (const id of this.#seen.keys()) if (!present.has(id)) this.#seen.delete(id);
    const live = [...this.#seen.values()]
      .filter(({ record, movedAt }) => record.id === this.self.id || now - movedAt < this.#options.timeoutMs)
      .map(({ record }) => record)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const key = (nodes: readonly NodeRecord[]) => nodes.map((node) => `${node.id} ${node.url}`).join("\n");
    const changed = key(live) !== key(this.#live);
    this.#live = live;
    if (changed) this.#options.onChange?.(live);
  }

  /** Stops beating and removes this node's row, so that the others take its tenants at once. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#ticking;
    await this.#options.store
      .removeNode(this.self.id)
      .catch((error: unknown) => this.#options.onError?.(error));
  }
}
