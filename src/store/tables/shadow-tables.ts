import { checkId, checkText } from "../common/input-checks.js";
import {
  COUNT_COLUMNS,
  type CountRow,
  checkTally,
  DIVERGENCE_COLUMNS,
  type DivergenceRow,
  noRunningShadow,
  SESSION_COLUMNS,
  type SessionRow,
  shadowRunning,
  toDivergenceCount,
  toDivergentCheck,
  toShadowSession,
  unknownChange,
  unknownShadow,
} from "../common/shadow-rows.js";
import {
  SHADOW_SAMPLE_LIMIT,
  type ShadowObservations,
  type ShadowSession,
  type ShadowTally,
} from "../shadow-records.js";
import type { Dialect, ListColumn } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";

const COUNT_LIST: readonly ListColumn[] = [
  ["t", "text"],
  ["p", "text"],
  ["dir", "text"],
  ["c", "bigint"],
];
const DIVERGENCE_LIST: readonly ListColumn[] = [
  ["t", "text"],
  ["r", "text"],
  ["p", "text"],
  ["s", "text"],
  ["a", "boolean"],
  ["c", "bigint"],
];

/**
 * The shadow tables. A tally locks its session's row first, so tallies of several nodes are
 * serialised and the cap on kept checks is exact; each tally is a few statements over lists of
 * rows, whatever its size, so a flush costs a few round trips.
 */
export class ShadowTables {
  readonly #dialect: Dialect;
  readonly #now: () => string;

  constructor(dialect: Dialect, now: () => string) {
    this.#dialect = dialect;
    this.#now = now;
  }

  /** Runs under the audit lock, which serialises starts: "none running" still holds at the insert. */
  async start(sql: Sql, changeId: number, schema: string, actor: string): Promise<ShadowSession> {
    checkId(changeId, "change");
    checkText(schema, "schema");
    checkText(actor, "actor");
    const [change] = await sql.rows("SELECT 1 FROM changes WHERE id = $1", [changeId]);
    if (change === undefined) throw unknownChange(changeId);
    const running = await this.running(sql);
    if (running) throw shadowRunning(running);
    const [row] = await sql.rows<SessionRow>(
      `INSERT INTO shadow_sessions (change_id, schema_text, started_at, started_by) VALUES ($1, $2, $3, $4)
       RETURNING ${SESSION_COLUMNS}`,
      [changeId, schema, this.#now(), actor],
    );
    return toShadowSession(row!);
  }

  async stop(sql: Sql, actor: string): Promise<ShadowSession> {
    checkText(actor, "actor");
    const [row] = await sql.rows<SessionRow>(
      `UPDATE shadow_sessions SET stopped_at = $1, stopped_by = $2 WHERE stopped_at IS NULL
       RETURNING ${SESSION_COLUMNS}`,
      [this.#now(), actor],
    );
    if (row === undefined) throw noRunningShadow();
    return toShadowSession(row);
  }

  async running(sql: Sql): Promise<ShadowSession | undefined> {
    const [row] = await sql.rows<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM shadow_sessions WHERE stopped_at IS NULL`,
    );
    return row === undefined ? undefined : toShadowSession(row);
  }

  async get(sql: Sql, id?: number, forUpdate = false): Promise<ShadowSession | undefined> {
    const [row] =
      id === undefined
        ? await sql.rows<SessionRow>(
            `SELECT ${SESSION_COLUMNS} FROM shadow_sessions ORDER BY id DESC LIMIT 1`,
          )
        : await sql.rows<SessionRow>(
            `SELECT ${SESSION_COLUMNS} FROM shadow_sessions WHERE id = $1${forUpdate ? this.#dialect.forUpdate : ""}`,
            [checkId(id, "session")],
          );
    return row === undefined ? undefined : toShadowSession(row);
  }

  async addTally(sql: Sql, sessionId: number, tally: ShadowTally): Promise<void> {
    checkTally(sessionId, tally);
    const session = await this.get(sql, sessionId, true);
    if (!session) throw unknownShadow(sessionId);
    let kept = session.kept;
    let truncated = session.truncated || tally.dropped;
    if (tally.counts.length > 0) {
      // `WHERE true` tells SQLite's parser that ON CONFLICT is the upsert's, not the join's.
      await sql.run(
        `INSERT INTO shadow_counts (session, tenant, permission, direction, count)
         SELECT $1, t, p, dir, c FROM ${this.#dialect.rowsFrom(2, COUNT_LIST, "u")} WHERE true
         ON CONFLICT (session, tenant, permission, direction)
         DO UPDATE SET count = shadow_counts.count + excluded.count`,
        [
          sessionId,
          ...this.#dialect.rowsParams([
            tally.counts.map((c) => c.tenant),
            tally.counts.map((c) => c.permission),
            tally.counts.map((c) => c.direction),
            tally.counts.map((c) => c.count),
          ]),
        ],
      );
    }
    if (tally.divergences.length > 0) {
      const columns = (list: ShadowTally["divergences"]) =>
        this.#dialect.rowsParams([
          list.map((d) => d.tenant),
          list.map((d) => d.resource),
          list.map((d) => d.permission),
          list.map((d) => d.subject),
          list.map((d) => d.active),
          list.map((d) => d.count),
        ]);
      const rows = this.#dialect.rowsFrom(2, DIVERGENCE_LIST, "u");
      // RETURNING names columns bare: SQLite's may not name the table by its alias.
      const grown = await sql.rows<[string, string, string, string, boolean | number]>(
        `UPDATE shadow_divergences AS d SET count = d.count + u.c FROM ${rows}
         WHERE d.session = $1 AND d.tenant = u.t AND d.resource = u.r
           AND d.permission = u.p AND d.subject = u.s AND d.active = u.a
         RETURNING tenant, resource, permission, subject, active`,
        [sessionId, ...columns(tally.divergences)],
      );
      const key = (t: string, r: string, p: string, s: string, a: boolean | number) =>
        `${t}\n${r}\n${p}\n${s}\n${a === true || a === 1}`;
      const known = new Set(grown.map((g) => key(...g)));
      const fresh = tally.divergences.filter(
        (d) => !known.has(key(d.tenant, d.resource, d.permission, d.subject, d.active)),
      );
      const room = Math.max(0, SHADOW_SAMPLE_LIMIT - kept);
      const added = fresh.slice(0, room);
      if (added.length < fresh.length) truncated = true;
      if (added.length > 0) {
        await sql.run(
          `INSERT INTO shadow_divergences (session, tenant, resource, permission, subject, active, count)
           SELECT $1, t, r, p, s, a, c FROM ${rows} ORDER BY n`,
          [sessionId, ...columns(added)],
        );
        kept += added.length;
      }
    }
    await sql.run(
      "UPDATE shadow_sessions SET checks = checks + $1, kept = $2, truncated = $3 WHERE id = $4",
      [tally.checks, kept, truncated, sessionId],
    );
  }

  async read(sql: Sql, sessionId: number): Promise<ShadowObservations> {
    const session = await this.get(sql, sessionId);
    if (!session) throw unknownShadow(sessionId);
    const counts = await sql.rows<CountRow>(
      `SELECT ${COUNT_COLUMNS} FROM shadow_counts WHERE session = $1 ORDER BY tenant, permission, direction`,
      [sessionId],
    );
    const divergences = await sql.rows<DivergenceRow>(
      `SELECT ${DIVERGENCE_COLUMNS} FROM shadow_divergences WHERE session = $1
       ORDER BY tenant, permission, resource, subject, active`,
      [sessionId],
    );
    return {
      session,
      counts: counts.map(toDivergenceCount),
      divergences: divergences.map(toDivergentCheck),
    };
  }
}
