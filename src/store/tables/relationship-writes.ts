import type { GatehouseError } from "../../model/errors.js";
import type { Relationship } from "../../model/relationship.js";
import { nextTurn } from "../../model/turns.js";
import { combineConflicts, type PlannedUpdate, updateConflict } from "../common/write-plan.js";
import type { Dialect } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";
import type { Revision } from "../store.js";
import { TUPLE, tupleParams, tuplesFrom } from "./tuple-columns.js";

const key = (tuple: readonly string[]) => tuple.join("\x1f");

/**
 * Writes checked updates of one tenant at a revision (`create` of a live tuple and `delete` of a
 * missing one are conflicts, named with their place; `touch` writes only what is missing), row
 * by row or set at a time as the dialect prefers. A write never names a tuple twice
 * (`planUpdates` refuses it), so the order of the rows cannot matter. Between chunks the event
 * loop gets a turn: on SQLite a write runs on this thread. Call inside the transaction that
 * took the revision: on a conflict it throws, and the rollback takes the revision too.
 */
export async function writeUpdates(
  sql: Sql,
  dialect: Dialect,
  tenant: string,
  revision: Revision,
  planned: readonly PlannedUpdate[],
): Promise<{ created: Relationship[]; deleted: Relationship[] }> {
  await sql.run("INSERT INTO tenants (name, first_revision) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
    tenant,
    revision,
  ]);
  const at: WriteAt = { sql, dialect, tenant, revision };
  const written = dialect.inProcess ? await writeRowByRow(at, planned) : await writeSetAtATime(at, planned);
  const created: Relationship[] = [];
  const deleted: Relationship[] = [];
  const conflicts: GatehouseError[] = [];
  for (const update of planned) {
    const k = key(update.tuple);
    if (update.operation === "delete") {
      if (written.deleted.has(k)) deleted.push(update.relationship);
      else conflicts.push(updateConflict(update, "does not exist"));
    } else if (written.created.has(k)) {
      created.push(update.relationship);
    } else if (update.operation === "create") {
      conflicts.push(updateConflict(update, "already exists"));
    }
  }
  if (conflicts.length > 0) throw combineConflicts(conflicts);
  return { created, deleted };
}

/** Where a write goes: its transaction, tenant and revision. */
interface WriteAt {
  readonly sql: Sql;
  readonly dialect: Dialect;
  readonly tenant: string;
  readonly revision: Revision;
}

/** The keys of the tuples a write made live and ended. */
interface Written {
  readonly created: Set<string>;
  readonly deleted: Set<string>;
}

/**
 * One prepared statement per row, where a statement costs no round trip (SQLite runs it in
 * this process): measured faster than one statement over a JSON list of the rows.
 */
async function writeRowByRow(
  { sql, dialect, tenant, revision }: WriteAt,
  planned: readonly PlannedUpdate[],
): Promise<Written> {
  const insertLive = `INSERT INTO relationships (tenant, ${TUPLE}, created_revision)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (tenant, ${TUPLE}) WHERE deleted_revision IS NULL DO NOTHING`;
  const endLive = `UPDATE relationships SET deleted_revision = $1
    WHERE tenant = $2 AND resource_type = $3 AND resource_id = $4 AND relation = $5
      AND subject_type = $6 AND subject_id = $7 AND subject_relation = $8 AND deleted_revision IS NULL`;
  const written: Written = { created: new Set(), deleted: new Set() };
  for (let start = 0; start < planned.length; start += dialect.writeChunk) {
    if (start > 0) await nextTurn();
    const slice = planned.slice(start, start + dialect.writeChunk);
    const ends = slice.filter((u) => u.operation === "delete");
    const lives = slice.filter((u) => u.operation !== "delete");
    const ended = await sql.runEach(
      endLive,
      ends.map((u) => [revision, tenant, ...u.tuple]),
    );
    const made = await sql.runEach(
      insertLive,
      lives.map((u) => [tenant, ...u.tuple, revision]),
    );
    ends.forEach((u, i) => {
      if (ended[i]! > 0) written.deleted.add(key(u.tuple));
    });
    lives.forEach((u, i) => {
      if (made[i]! > 0) written.created.add(key(u.tuple));
    });
  }
  return written;
}

/**
 * Two statements over lists of rows per chunk, one round trip each whatever their size (where a
 * round trip is what costs: PostgreSQL).
 */
async function writeSetAtATime(
  { sql, dialect, tenant, revision }: WriteAt,
  planned: readonly PlannedUpdate[],
): Promise<Written> {
  const deletes = planned.filter((u) => u.operation === "delete").map((u) => u.tuple);
  const writes = planned.filter((u) => u.operation !== "delete").map((u) => u.tuple);
  const deletedKeys = new Set<string>();
  const createdKeys = new Set<string>();

  const chunk = dialect.writeChunk;
  const given = tuplesFrom(dialect, 3);
  const deleteLive = `UPDATE relationships r SET deleted_revision = $2 FROM ${given}
    WHERE r.tenant = $1 AND r.resource_type = u.rt AND r.resource_id = u.ri AND r.relation = u.rel
      AND r.subject_type = u.st AND r.subject_id = u.si AND r.subject_relation = u.sr
      AND r.deleted_revision IS NULL
    RETURNING r.resource_type, r.resource_id, r.relation, r.subject_type, r.subject_id, r.subject_relation`;
  for (let i = 0; i < deletes.length; i += chunk) {
    if (i > 0) await nextTurn();
    const rows = await sql.rows<string[]>(deleteLive, [
      tenant,
      revision,
      ...tupleParams(dialect, deletes.slice(i, i + chunk)),
    ]);
    for (const row of rows) deletedKeys.add(key(row));
  }
  for (let i = 0; i < writes.length; i += chunk) {
    if (i > 0 || deletes.length > 0) await nextTurn();
    const rows = await sql.rows<string[]>(
      `INSERT INTO relationships (tenant, ${TUPLE}, created_revision)
       SELECT $1, rt, ri, rel, st, si, sr, $2 FROM ${given}
       ON CONFLICT (tenant, ${TUPLE}) WHERE deleted_revision IS NULL DO NOTHING
       RETURNING ${TUPLE}`,
      [tenant, revision, ...tupleParams(dialect, writes.slice(i, i + chunk))],
    );
    for (const row of rows) createdKeys.add(key(row));
  }

  return { created: createdKeys, deleted: deletedKeys };
}
