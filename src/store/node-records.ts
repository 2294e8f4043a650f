/**
 * The nodes of a cluster (`gatehouse serve --cluster`), as the store keeps them: each node
 * writes its row and then beats it every few seconds. A node is judged live by whether its beat
 * moves, as the observer's own clock measures it (see `src/cluster/node-registry.ts`), so the
 * nodes' clocks need not agree.
 */
export interface NodeRecord {
  /** Unique in the store; stable across restarts when the operator names it (`--node-id`). */
  readonly id: string;
  /** Where other nodes and clients reach it, e.g. `http://10.0.0.5:8080`. */
  readonly url: string;
  /** When this incarnation registered, by its own clock (UTC ISO). */
  readonly startedAt: string;
  /** Grows by one at every heartbeat. */
  readonly beat: number;
  /** The last heartbeat, by the node's own clock (UTC ISO): for people, not for liveness. */
  readonly beatAt: string;
}

export interface NodeStore {
  /** Writes the node's row, or beats it: the url is refreshed and the beat grows by one. */
  beatNode(node: { id: string; url: string; startedAt: string }): Promise<NodeRecord>;
  /** Every registered node, by id. */
  listNodes(): Promise<NodeRecord[]>;
  /** Removes a node's row (a node that stops cleanly); no row is no error. */
  removeNode(id: string): Promise<void>;
}
