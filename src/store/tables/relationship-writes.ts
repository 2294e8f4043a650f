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
 * missing one are conflicts, named with their place; `touch` writes only what is missing), set
 * at a time: one UPDATE for the deletes and one INSERT for the rest, per chunk, instead of a
 * round trip per row. A write never names a tuple twice (`planUpdates` refuses it), so the
 * order of the two statements cannot matter. Between chunks the event loop gets a turn: on
 * SQLite a chunk runs on this thread. Call inside the transaction that took the revision: on a
 * conflict it throws, and the rollback takes the revision too.
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
  const deletes = planned.filter((u) => u.operation === "delete").map((u) => u.tuple);
  const writes = planned.filter((u) => u.operation !== "delete").map((u) => u.tuple);
  const deletedKeys = new Set<string>();
  const createdKeys = new Set<string>();

  const chunk = dialect.writeChunk;
  const given = tuplesFrom(dialect, 3);
  // PostgreSQL joins the list to the live rows; SQLite, which would loop over both, drives index
  // lookups from row values IN the list (and its RETURNING may not name the table's alias).
  const deleteLive =
    dialect.kind === "postgres"
      ? `UPDATE relationships r SET deleted_revision = $2 FROM ${given}
         WHERE r.tenant = $1 AND r.resource_type = u.rt AND r.resource_id = u.ri AND r.relation = u.rel
           AND r.subject_type = u.st AND r.subject_id = u.si AND r.subject_relation = u.sr
           AND r.deleted_revision IS NULL
         RETURNING ${TUPLE.split(", ")
           .map((column) => `r.${column}`)
           .join(", ")}`
      : `UPDATE relationships SET deleted_revision = $2
         WHERE (tenant, ${TUPLE}) IN (SELECT $1, rt, ri, rel, st, si, sr FROM ${given})
           AND deleted_revision IS NULL
         RETURNING ${TUPLE}`;
  for (let i = 0; i < deletes.length; i += chunk) {
    if (i > 0) await nextTurn();
    const rows = await sql.rows<string[]>(deleteLive, [
      tenant,
      revision,
      ...tupleParams(dialect, deletes.slice(i, i + chunk)),
    ]);
    for (const row of rows) deletedKeys.add(key(row));
  }
  // `WHERE true` tells SQLite's parser that ON CONFLICT is the upsert's, not the join's.
  for (let i = 0; i < writes.length; i += chunk) {
    if (i > 0 || deletes.length > 0) await nextTurn();
    const rows = await sql.rows<string[]>(
      `INSERT INTO relationships (tenant, ${TUPLE}, created_revision)
       SELECT $1, rt, ri, rel, st, si, sr, $2 FROM ${given} WHERE true
       ON CONFLICT (tenant, ${TUPLE}) WHERE deleted_revision IS NULL DO NOTHING
       RETURNING ${TUPLE}`,
      [tenant, revision, ...tupleParams(dialect, writes.slice(i, i + chunk))],
    );
    for (const row of rows) createdKeys.add(key(row));
  }

  const created: Relationship[] = [];
  const deleted: Relationship[] = [];
  const conflicts: GatehouseError[] = [];
  for (const update of planned) {
    const k = key(update.tuple);
    if (update.operation === "delete") {
      if (deletedKeys.has(k)) deleted.push(update.relationship);
      else conflicts.push(updateConflict(update, "does not exist"));
    } else if (createdKeys.has(k)) {
      created.push(update.relationship);
    } else if (update.operation === "create") {
      conflicts.push(updateConflict(update, "already exists"));
    }
  }
  if (conflicts.length > 0) throw combineConflicts(conflicts);
  return { created, deleted };
}
