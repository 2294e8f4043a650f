import type { GatehouseError } from "../../model/errors.js";
import type { Relationship } from "../../model/relationship.js";
import { nextTurn } from "../../model/turns.js";
import { TRAIT_COLUMNS, unexpiredAt, withTraits } from "../common/trait-columns.js";
import { toRelationship } from "../common/tuples.js";
import { combineConflicts, type PlannedUpdate, updateConflict } from "../common/write-plan.js";
import type { Dialect, ListColumn } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";
import type { Revision } from "../store.js";
import { TUPLE, TUPLE_LIST, tupleColumns, tupleParams, tuplesFrom } from "./tuple-columns.js";

const key = (tuple: readonly string[]) => tuple.join("\x1f");

/**
 * Writes checked updates of one tenant at a revision (`create` of a live tuple and `delete` of a
 * missing one are conflicts, named with their place; `touch` writes only what is missing or
 * different), row by row or set at a time as the dialect prefers. A write never names a tuple
 * twice (`planUpdates` refuses it), so the order of the rows cannot matter. Between chunks the
 * event loop gets a turn: on SQLite a write runs on this thread. Call inside the transaction
 * that took the revision: on a conflict it throws, and the rollback takes the revision too.
 *
 * A relationship's identity is its tuple; its caveat and expiration are what it carries. A
 * `touch` of a live tuple that carries something else ends that row and writes the new one, and
 * a relationship expired as of `now` (an `expirationKey`) counts as absent: a `create` over it
 * ends it and writes the new one. Such a replacement is listed in both `deleted` (the old row,
 * with what it carried) and `created`, so that followers remove the one and add the other.
 */
export async function writeUpdates(
  sql: Sql,
  dialect: Dialect,
  tenant: string,
  revision: Revision,
  planned: readonly PlannedUpdate[],
  now: string,
): Promise<{ created: Relationship[]; deleted: Relationship[] }> {
  await sql.run("INSERT INTO tenants (name, first_revision) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
    tenant,
    revision,
  ]);
  const at: WriteAt = { sql, dialect, tenant, revision };
  const written = dialect.inProcess ? await writeRowByRow(at, planned) : await writeSetAtATime(at, planned);
  const replaced = await replaceLive(at, planned, written, now);
  const created: Relationship[] = [];
  const deleted: Relationship[] = [];
  const conflicts: GatehouseError[] = [];
  for (const update of planned) {
    const k = key(update.tuple);
    const ended = written.deleted.get(k) ?? replaced.get(k);
    if (ended !== undefined) deleted.push(ended);
    if (update.operation === "delete") {
      if (ended === undefined) conflicts.push(updateConflict(update, "does not exist"));
    } else if (written.created.has(k) || replaced.has(k)) {
      created.push(update.relationship);
    } else if (update.operation === "create") {
      conflicts.push(updateConflict(update, "already exists", "already_exists"));
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

/** The keys of the tuples a write made live, and the rows it ended (with what they carried). */
interface Written {
  readonly created: Set<string>;
  readonly deleted: Map<string, Relationship>;
}

/** An ended row as the statements return it: the tuple, then the traits it carried. */
type EndedRow = [string, string, string, string, string, string, string | null, string | null, string | null];

function endedRelationship(row: EndedRow): Relationship {
  const [rt, ri, rel, st, si, sr, caveatName, caveatContext, expiresAt] = row;
  return withTraits(toRelationship(rt, ri, rel, st, si, sr), caveatName, caveatContext, expiresAt);
}

const INSERT_COLUMNS = `tenant, ${TUPLE}, created_revision, ${TRAIT_COLUMNS}`;
const ENDED = `${TUPLE}, ${TRAIT_COLUMNS}`;
/** `ENDED` of the table aliased `r` (PostgreSQL's `UPDATE ... FROM`). */
const ENDED_R = ENDED.split(", ")
  .map((column) => `r.${column}`)
  .join(", ");

/**
 * One prepared statement per row, where a statement costs no round trip (SQLite runs it in
 * this process): measured faster than one statement over a JSON list of the rows.
 */
async function writeRowByRow(
  { sql, dialect, tenant, revision }: WriteAt,
  planned: readonly PlannedUpdate[],
): Promise<Written> {
  const insertLive = `INSERT INTO relationships (${INSERT_COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
    ON CONFLICT (tenant, ${TUPLE}) WHERE deleted_revision IS NULL DO NOTHING`;
  const endLive = `UPDATE relationships SET deleted_revision = $1
    WHERE tenant = $2 AND resource_type = $3 AND resource_id = $4 AND relation = $5
      AND subject_type = $6 AND subject_id = $7 AND subject_relation = $8 AND deleted_revision IS NULL
    RETURNING ${ENDED}`;
  const written: Written = { created: new Set(), deleted: new Map() };
  for (let start = 0; start < planned.length; start += dialect.writeChunk) {
    if (start > 0) await nextTurn();
    const slice = planned.slice(start, start + dialect.writeChunk);
    const ends = slice.filter((u) => u.operation === "delete");
    const lives = slice.filter((u) => u.operation !== "delete");
    for (const u of ends) {
      const [row] = await sql.rows<EndedRow>(endLive, [revision, tenant, ...u.tuple]);
      if (row !== undefined) written.deleted.set(key(u.tuple), endedRelationship(row));
    }
    const made = await sql.runEach(
      insertLive,
      lives.map((u) => [tenant, ...u.tuple, revision, ...u.traits]),
    );
    lives.forEach((u, i) => {
      if (made[i]! > 0) written.created.add(key(u.tuple));
    });
  }
  return written;
}

const TRAITS_LIST: readonly ListColumn[] = [
  ["cn", "text"],
  ["cc", "text"],
  ["ea", "text"],
];

/**
 * Two statements over lists of rows per chunk, one round trip each whatever their size (where a
 * round trip is what costs: PostgreSQL).
 */
async function writeSetAtATime(
  { sql, dialect, tenant, revision }: WriteAt,
  planned: readonly PlannedUpdate[],
): Promise<Written> {
  const deletes = planned.filter((u) => u.operation === "delete").map((u) => u.tuple);
  const writes = planned.filter((u) => u.operation !== "delete");
  const written: Written = { created: new Set(), deleted: new Map() };

  const chunk = dialect.writeChunk;
  const given = tuplesFrom(dialect, 3);
  const deleteLive = `UPDATE relationships r SET deleted_revision = $2 FROM ${given}
    WHERE r.tenant = $1 AND r.resource_type = u.rt AND r.resource_id = u.ri AND r.relation = u.rel
      AND r.subject_type = u.st AND r.subject_id = u.si AND r.subject_relation = u.sr
      AND r.deleted_revision IS NULL
    RETURNING ${ENDED_R}`;
  for (let i = 0; i < deletes.length; i += chunk) {
    if (i > 0) await nextTurn();
    const rows = await sql.rows<EndedRow>(deleteLive, [
      tenant,
      revision,
      ...tupleParams(dialect, deletes.slice(i, i + chunk)),
    ]);
    for (const row of rows) written.deleted.set(key(row.slice(0, 6) as string[]), endedRelationship(row));
  }
  for (let i = 0; i < writes.length; i += chunk) {
    if (i > 0 || deletes.length > 0) await nextTurn();
    const rows = await insertSet({ sql, dialect, tenant, revision }, writes.slice(i, i + chunk));
    for (const row of rows) written.created.add(key(row));
  }
  return written;
}

/** One statement that makes a list of updates live (those whose tuple is not); returns those it did. */
function insertSet({ sql, dialect, tenant, revision }: WriteAt, updates: readonly PlannedUpdate[]) {
  return sql.rows<string[]>(
    `INSERT INTO relationships (${INSERT_COLUMNS})
     SELECT $1, rt, ri, rel, st, si, sr, $2, cn, cc, ea FROM ${dialect.rowsFrom(3, [...TUPLE_LIST, ...TRAITS_LIST], "u")}
     ON CONFLICT (tenant, ${TUPLE}) WHERE deleted_revision IS NULL DO NOTHING
     RETURNING ${TUPLE}`,
    [tenant, revision, ...dialect.rowsParams(updateColumns(updates))],
  );
}

/** Updates as columns of parameters: the six of the tuple, then the three of the traits. */
function updateColumns(updates: readonly PlannedUpdate[]): (string | null)[][] {
  const traits: (string | null)[][] = [[], [], []];
  for (const u of updates) for (let i = 0; i < 3; i++) traits[i]!.push(u.traits[i]!);
  return [...tupleColumns(updates.map((u) => u.tuple)), ...traits];
}

/**
 * The second step of a `create` or `touch` whose insert met a live row of its tuple: that row is
 * ended when it has expired (both operations) or carries another caveat or expiration (`touch`),
 * and the new one is written in its place. Only the rows that met a live one come here, so a
 * write of new relationships, the bulk of an import, costs nothing more than before.
 */
async function replaceLive(
  at: WriteAt,
  planned: readonly PlannedUpdate[],
  written: Written,
  now: string,
): Promise<Map<string, Relationship>> {
  const met = planned.filter((u) => u.operation !== "delete" && !written.created.has(key(u.tuple)));
  if (met.length === 0) return new Map();
  return at.dialect.inProcess ? replaceRowByRow(at, met, now) : replaceSetAtATime(at, met, now);
}

/**
 * The live row (columns prefixed `r`) carries other traits than `cn`, `cc`, `ea`; '' stands for
 * NULL in the comparison, as no caveat name, context or expiration is ever ''.
 */
const differs = (r: string, cn: string, cc: string, ea: string) =>
  `(coalesce(${r}caveat_name, '') <> coalesce(${cn}, '') OR coalesce(${r}caveat_context, '') <> coalesce(${cc}, '') OR coalesce(${r}expires_at, '') <> coalesce(${ea}, ''))`;

async function replaceRowByRow(
  { sql, dialect, tenant, revision }: WriteAt,
  met: readonly PlannedUpdate[],
  now: string,
): Promise<Map<string, Relationship>> {
  const replaced = new Map<string, Relationship>();
  const endLive = `UPDATE relationships SET deleted_revision = $1
    WHERE tenant = $2 AND resource_type = $3 AND resource_id = $4 AND relation = $5
      AND subject_type = $6 AND subject_id = $7 AND subject_relation = $8 AND deleted_revision IS NULL
      AND (NOT ${unexpiredAt(9)} OR ($13 AND ${differs("", "$10", "$11", "$12")}))
    RETURNING ${ENDED}`;
  const insert = `INSERT INTO relationships (${INSERT_COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;
  for (let i = 0; i < met.length; i++) {
    if (i > 0 && i % dialect.writeChunk === 0) await nextTurn();
    const u = met[i]!;
    const [row] = await sql.rows<EndedRow>(endLive, [
      revision,
      tenant,
      ...u.tuple,
      now,
      ...u.traits,
      u.operation === "touch",
    ]);
    if (row === undefined) continue;
    await sql.run(insert, [tenant, ...u.tuple, revision, ...u.traits]);
    replaced.set(key(u.tuple), endedRelationship(row));
  }
  return replaced;
}

/**
 * Two statements per chunk whatever its size (PostgreSQL): end the live rows to replace, then
 * write their successors. A re-import of a million relationships already live costs a chunk's
 * round trips, not a million.
 */
async function replaceSetAtATime(
  at: WriteAt,
  met: readonly PlannedUpdate[],
  now: string,
): Promise<Map<string, Relationship>> {
  const { sql, dialect, tenant, revision } = at;
  const replaced = new Map<string, Relationship>();
  const given = dialect.rowsFrom(3, [...TUPLE_LIST, ...TRAITS_LIST, ["touch", "boolean"]], "u");
  const endLive = `UPDATE relationships r SET deleted_revision = $2 FROM ${given}
    WHERE r.tenant = $1 AND r.resource_type = u.rt AND r.resource_id = u.ri AND r.relation = u.rel
      AND r.subject_type = u.st AND r.subject_id = u.si AND r.subject_relation = u.sr
      AND r.deleted_revision IS NULL
      AND (NOT ${unexpiredAt(13, "r.")} OR (u.touch AND ${differs("r.", "u.cn", "u.cc", "u.ea")}))
    RETURNING ${ENDED_R}`;
  for (let i = 0; i < met.length; i += dialect.writeChunk) {
    if (i > 0) await nextTurn();
    const slice = met.slice(i, i + dialect.writeChunk);
    const rows = await sql.rows<EndedRow>(endLive, [
      tenant,
      revision,
      ...dialect.rowsParams([...updateColumns(slice), slice.map((u) => u.operation === "touch")]),
      now,
    ]);
    if (rows.length === 0) continue;
    const ended = new Map(rows.map((row) => [key(row.slice(0, 6) as string[]), endedRelationship(row)]));
    await insertSet(
      at,
      slice.filter((u) => ended.has(key(u.tuple))),
    );
    for (const [k, r] of ended) replaced.set(k, r);
  }
  return replaced;
}
