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
  /**
   * Where its SpiceDB gRPC door is reached, `grpc://10.0.0.5:50051` (`grpcs://` with TLS); null
   * when it has none.
   */
  readonly grpcUrl: string | null;
  /** When this incarnation registered, by its own clock (UTC ISO). */
  readonly startedAt: string;
  /** Grows by one at every heartbeat. */
  readonly beat: number;
  /** The last heartbeat, by the node's own clock (UTC ISO): for people, not for liveness. */
  readonly beatAt: string;
}

/** What a node writes of itself at each beat. */
export interface NodeBeat {
  readonly id: string;
  readonly url: string;
  /** Absent: no gRPC door. */
  readonly grpcUrl?: string | null | undefined;
  readonly startedAt: string;
}

export interface NodeStore {
  /** Writes the node's row, or beats it: the addresses are refreshed and the beat grows by one. */
  beatNode(node: NodeBeat): Promise<NodeRecord>;
  /** Every registered node, by id. */
  listNodes(): Promise<NodeRecord[]>;
  /** Removes a node's row (a node that stops cleanly); no row is no error. */
  removeNode(id: string): Promise<void>;
  /**
   * Removes a node's row if its beat is still `beat` (a node seen dead): a node that beat in
   * between keeps it. Whether a row went.
   */
  removeDeadNode(id: string, beat: number): Promise<boolean>;
  /**
   * The secret the nodes sign their forwarded requests with (src/cluster/hop.ts): made at the
   * first call on a store and kept in it, the same for every node after. Whoever reads the store
   * already owns everything in it, so keeping the secret there gives nothing away.
   */
  clusterSecret(): Promise<string>;
}
