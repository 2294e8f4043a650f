import { randomBytes } from "node:crypto";
import { checkText } from "../common/input-checks.js";
import type { NodeBeat, NodeRecord } from "../node-records.js";
import type { Sql } from "../sql/sql.js";

/** The `store_settings` row of the cluster secret (no API reads or lists that table whole). */
const SECRET_SETTING = "cluster_secret";

const COLUMNS = "id, url, grpc_url, started_at, beat, beat_at";
type NodeRow = [string, string, string | null, string, number | string, string];

function toNodeRecord([id, url, grpcUrl, startedAt, beat, beatAt]: NodeRow): NodeRecord {
  return { id, url, grpcUrl, startedAt, beat: Number(beat), beatAt };
}

/**
 * The `nodes` table: one row per cluster node. A beat is one upsert, the same statement on
 * SQLite and PostgreSQL; it touches only the node's own row, so nodes never wait for each other.
 */
export class NodeTable {
  readonly #now: () => string;

  constructor(now: () => string) {
    this.#now = now;
  }

  async beat(sql: Sql, node: NodeBeat): Promise<NodeRecord> {
    checkText(node.id, "node id");
    checkText(node.url, "node url");
    if (node.grpcUrl != null) checkText(node.grpcUrl, "node grpc url");
    const [row] = await sql.rows<NodeRow>(
      `INSERT INTO nodes (id, url, grpc_url, started_at, beat, beat_at) VALUES ($1, $2, $3, $4, 1, $5)
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, grpc_url = excluded.grpc_url,
         started_at = excluded.started_at, beat = nodes.beat + 1, beat_at = excluded.beat_at
       RETURNING ${COLUMNS}`,
      [node.id, node.url, node.grpcUrl ?? null, node.startedAt, this.#now()],
    );
    return toNodeRecord(row!);
  }

  async list(sql: Sql): Promise<NodeRecord[]> {
    return (await sql.rows<NodeRow>(`SELECT ${COLUMNS} FROM nodes ORDER BY id`)).map(toNodeRecord);
  }

  async remove(sql: Sql, id: string): Promise<void> {
    await sql.run("DELETE FROM nodes WHERE id = $1", [id]);
  }

  /** The beat in the condition is what makes this safe against a node that beat since it was judged dead. */
  async removeDead(sql: Sql, id: string, beat: number): Promise<boolean> {
    const gone = await sql.rows<[string]>("DELETE FROM nodes WHERE id = $1 AND beat = $2 RETURNING id", [
      id,
      beat,
    ]);
    return gone.length > 0;
  }

  /**
   * The cluster secret, made by whichever node asks first: nodes starting together each offer
   * one, the first insert wins, and all read the one kept.
   */
  async secret(sql: Sql): Promise<string> {
    await sql.run(
      `INSERT INTO store_settings (name, value, set_by, set_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO NOTHING`,
      [SECRET_SETTING, randomBytes(32).toString("base64url"), "gatehouse", this.#now()],
    );
    const [row] = await sql.rows<[string]>("SELECT value FROM store_settings WHERE name = $1", [
      SECRET_SETTING,
    ]);
    return row![0];
  }
}
