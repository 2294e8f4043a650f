import type { Database as Connection, Statement } from "better-sqlite3";
import Database from "better-sqlite3";
import { Diagnostics, GatehouseError, inputError } from "../../model/errors.js";
import { checkTenant, OBJECT_ID, RELATION_NAME, TYPE_NAME } from "../../model/names.js";
import { ELLIPSIS, formatRelationship, type Relationship, WILDCARD_ID } from "../../model/relationship.js";
import type {
  RelationshipFilter,
  RelationshipShape,
  RelationshipUpdate,
  Revision,
  RevisionEvent,
  SchemaVersion,
  Store,
  StoredRelationship,
  WriteOptions,
  WriteResult,
} from "../store.js";
import { STORE_WIDE_TENANT } from "../store.js";
import { applyMigrations } from "./migrations.js";

export interface SqliteStoreOptions {
  /** How long to wait for another process's write lock before failing, in milliseconds. */
  readonly busyTimeoutMs?: number;
  /** The clock recorded with revisions; tests fix it. */
  readonly now?: () => Date;
}

/** Big enough that per-query overhead vanishes in a million-row load, small enough to stay cache-friendly. */
const SCAN_BATCH = 10_000;
const DEFAULT_EVENT_LIMIT = 1_000;

/** resource_type, resource_id, relation, subject_type, subject_id, subject_relation */
type TupleRow = [string, string, string, string, string, string];
type Tuple = readonly [string, string, string, string, string, string];

const TUPLE = "resource_type, resource_id, relation, subject_type, subject_id, subject_relation";
/** No name may contain a control character, so this splits a shape unambiguously. */
const SHAPE_SEPARATOR = "\x1f";
const SHAPE =
  "resource_type || char(31) || relation || char(31) || subject_type || char(31) || subject_relation";
const LIVE_AT = "created_revision <= ? AND (deleted_revision IS NULL OR deleted_revision > ?)";

interface PlannedUpdate {
  readonly operation: RelationshipUpdate["operation"];
  readonly relationship: Relationship;
  readonly tuple: Tuple;
  readonly field: string;
}

/**
 * The embedded store. better-sqlite3 is synchronous: each call runs to completion on the calling
 * thread, which is the fastest way to use SQLite from Node; the methods are async only to match
 * the interface that PostgreSQL needs.
 */
export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  #db: Connection | undefined;
  readonly #now: () => Date;
  readonly #statements = new Map<string, Statement<unknown[]>>();

  private constructor(db: Connection, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    let db: Connection | undefined;
    try {
      db = new Database(path);
      // WAL lets readers (index loads, other nodes' followers) run while one writer commits;
      // NORMAL only risks the last commits on power loss, never corruption, in WAL mode.
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5_000))}`);
      applyMigrations(db);
      return new SqliteStore(db, options.now ?? (() => new Date()));
    } catch (error) {
      db?.close();
      if (error instanceof Database.SqliteError) {
        throw inputError(`cannot open the store \`${path}\`: ${error.message}`);
      }
      if (error instanceof TypeError && /directory does not exist/.test(error.message)) {
        throw inputError(`cannot open the store \`${path}\`: the directory does not exist`);
      }
      throw error;
    }
  }

  async headRevision(): Promise<Revision> {
    return this.#head();
  }

  async tenants(): Promise<string[]> {
    return this.#prepare("SELECT name FROM tenants ORDER BY name").pluck().all() as string[];
  }

  async writeRelationships(
    tenant: string,
    updates: readonly RelationshipUpdate[],
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    checkTenant(tenant, { field: "tenant" });
    const planned = planUpdates(updates);
    const insertLive = this.#prepare(
      `INSERT INTO relationships (tenant, ${TUPLE}, created_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, ${TUPLE}) WHERE deleted_revision IS NULL DO NOTHING`,
    );
    const stampDeleted = this.#prepare(
      `UPDATE relationships SET deleted_revision = ?
       WHERE tenant = ? AND resource_type = ? AND resource_id = ? AND relation = ?
         AND subject_type = ? AND subject_id = ? AND subject_relation = ? AND deleted_revision IS NULL`,
    );
    const registerTenant = this.#prepare(
      "INSERT INTO tenants (name, first_revision) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
    );

    return this.#transaction(() => {
      const revision = this.#newRevision(tenant, "relationships", options);
      registerTenant.run(tenant, revision);
      const created: Relationship[] = [];
      const deleted: Relationship[] = [];
      const conflicts: GatehouseError[] = [];
      for (const update of planned) {
        if (update.operation === "delete") {
          if (stampDeleted.run(revision, tenant, ...update.tuple).changes > 0)
            deleted.push(update.relationship);
          else conflicts.push(conflict(update, "does not exist"));
        } else if (insertLive.run(tenant, ...update.tuple, revision).changes > 0) {
          created.push(update.relationship);
        } else if (update.operation === "create") {
          conflicts.push(conflict(update, "already exists"));
        }
      }
      // Throwing inside the transaction rolls back the revision too, so a refused write
      // consumes no revision number.
      if (conflicts.length > 0) throw combineConflicts(conflicts);
      return { revision, created, deleted };
    });
  }

  async readRelationships(
    tenant: string,
    filter: RelationshipFilter = {},
    options: { atRevision?: Revision | undefined; limit?: number | undefined } = {},
  ): Promise<StoredRelationship[]> {
    checkTenant(tenant, { field: "tenant" });
    const at = this.#revisionAt(options.atRevision);
    const conditions = ["tenant = ?", LIVE_AT];
    const params: unknown[] = [tenant, at, at];
    const columns: [keyof RelationshipFilter, string][] = [
      ["resourceType", "resource_type"],
      ["resourceId", "resource_id"],
      ["relation", "relation"],
      ["subjectType", "subject_type"],
      ["subjectId", "subject_id"],
    ];
    for (const [key, column] of columns) {
      const value = filter[key];
      if (value === undefined || value === null) continue;
      conditions.push(`${column} = ?`);
      params.push(value);
    }
    if (filter.subjectRelation !== undefined) {
      conditions.push("subject_relation = ?");
      params.push(subjectRelationColumn(filter.subjectRelation));
    }
    let sql = `SELECT ${TUPLE}, created_revision, deleted_revision FROM relationships
      WHERE ${conditions.join(" AND ")} ORDER BY ${TUPLE}`;
    if (options.limit !== undefined) {
      sql += " LIMIT ?";
      params.push(checkLimit(options.limit, "limit"));
    }
    const rows = this.#prepare(sql)
      .raw()
      .all(...params) as [...TupleRow, number, number | null][];
    return rows.map(([rt, ri, rel, st, si, sr, createdRevision, deletedRevision]) => ({
      tenant,
      ...toRelationship(rt, ri, rel, st, si, sr),
      createdRevision,
      deletedRevision,
    }));
  }

  /**
   * Pages by the tuple instead of holding one cursor open: better-sqlite3 refuses every other
   * statement on the connection while an iterator is open, and the consumer awaits between
   * batches. Paging stays consistent without a snapshot because rows live at a past revision
   * never change.
   *
   * The four low-variety columns come back as one shape string: half the strings to create per
   * row (the bulk of a load's time), and every relationship of a shape shares the same type and
   * relation strings, which keeps the indexes built from them small.
   */
  async *scanTenant(tenant: string, atRevision: Revision): AsyncIterable<readonly Relationship[]> {
    checkTenant(tenant, { field: "tenant" });
    const at = this.#revisionAt(atRevision);
    const select = `SELECT ${SHAPE}, resource_id, subject_id FROM relationships WHERE tenant = ? AND ${LIVE_AT}`;
    const first = this.#prepare(`${select} ORDER BY ${TUPLE} LIMIT ${SCAN_BATCH}`);
    const next = this.#prepare(
      `${select} AND (${TUPLE}) > (?, ?, ?, ?, ?, ?) ORDER BY ${TUPLE} LIMIT ${SCAN_BATCH}`,
    );
    const shapes = new Map<string, readonly [string, string, string, string]>();
    let last: Relationship | undefined;
    for (;;) {
      const rows = (
        last === undefined
          ? first.raw().all(tenant, at, at)
          : next.raw().all(tenant, at, at, ...tupleOf(last))
      ) as [string, string, string][];
      const batch = new Array<Relationship>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const [shape, resourceId, subjectId] = rows[i]!;
        let parts = shapes.get(shape);
        if (parts === undefined) {
          const [rt = "", rel = "", st = "", sr = ""] = shape.split(SHAPE_SEPARATOR);
          parts = [rt, rel, st, sr];
          shapes.set(shape, parts);
        }
        batch[i] = toRelationship(parts[0], resourceId, parts[1], parts[2], subjectId, parts[3]);
      }
      if (batch.length > 0) yield batch;
      if (rows.length < SCAN_BATCH) return;
      last = batch[batch.length - 1];
    }
  }

  async relationshipShapes(): Promise<RelationshipShape[]> {
    const rows = this.#prepare(
      `SELECT resource_type, relation, subject_type, subject_relation, subject_id = '${WILDCARD_ID}', count(*)
       FROM relationships WHERE deleted_revision IS NULL
       GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
    )
      .raw()
      .all() as [string, string, string, string, number, number][];
    return rows.map(([resourceType, relation, subjectType, subjectRelation, wildcard, count]) => ({
      resourceType,
      relation,
      subjectType,
      subjectRelation: subjectRelation === "" ? null : subjectRelation,
      subjectWildcard: wildcard === 1,
      count,
    }));
  }

  async writeSchema(text: string, options: WriteOptions = {}): Promise<SchemaVersion> {
    if (typeof text !== "string") throw inputError("the schema must be text", { field: "schema" });
    const insert = this.#prepare(
      `INSERT INTO schema_versions (version, revision, text, created_at, author)
       SELECT coalesce(max(version), 0) + 1, ?, ?, ?, ? FROM schema_versions
       RETURNING version, revision, text, created_at, author`,
    );
    return this.#transaction(() => {
      const revision = this.#newRevision(null, "schema", options);
      const createdAt = this.#now().toISOString();
      return toSchemaVersion(insert.raw().get(revision, text, createdAt, options.actor ?? null) as SchemaRow);
    });
  }

  async readSchema(atRevision?: Revision): Promise<SchemaVersion | undefined> {
    const at = this.#revisionAt(atRevision);
    const row = this.#prepare(
      `SELECT version, revision, text, created_at, author FROM schema_versions
       WHERE revision <= ? ORDER BY revision DESC LIMIT 1`,
    )
      .raw()
      .get(at) as SchemaRow | undefined;
    return row === undefined ? undefined : toSchemaVersion(row);
  }

  async listSchemaVersions(): Promise<SchemaVersion[]> {
    const rows = this.#prepare(
      "SELECT version, revision, text, created_at, author FROM schema_versions ORDER BY version",
    )
      .raw()
      .all() as SchemaRow[];
    return rows.map(toSchemaVersion);
  }

  async revisionsSince(afterRevision: Revision, limit = DEFAULT_EVENT_LIMIT): Promise<RevisionEvent[]> {
    this.#revisionAt(afterRevision);
    const revisions = this.#prepare(
      "SELECT revision, tenant FROM revisions WHERE revision > ? ORDER BY revision LIMIT ?",
    )
      .raw()
      .all(afterRevision, checkLimit(limit, "limit")) as [number, string | null][];
    const last = revisions.at(-1)?.[0];
    if (last === undefined) return [];

    const events = new Map<Revision, RevisionEvent & { created: Relationship[]; deleted: Relationship[] }>();
    for (const [revision, tenant] of revisions) {
      events.set(revision, {
        revision,
        tenant: tenant ?? STORE_WIDE_TENANT,
        created: [],
        deleted: [],
        schemaVersion: null,
      });
    }
    const range = [afterRevision, last];
    for (const [column, list] of [
      ["created_revision", "created"],
      ["deleted_revision", "deleted"],
    ] as const) {
      const rows = this.#prepare(
        `SELECT ${column}, ${TUPLE} FROM relationships WHERE ${column} > ? AND ${column} <= ?
         ORDER BY ${column}, ${TUPLE}`,
      )
        .raw()
        .all(...range) as [number, ...TupleRow][];
      for (const [revision, rt, ri, rel, st, si, sr] of rows) {
        events.get(revision)?.[list].push(toRelationship(rt, ri, rel, st, si, sr));
      }
    }
    const schemaRows = this.#prepare(
      "SELECT revision, version FROM schema_versions WHERE revision > ? AND revision <= ?",
    )
      .raw()
      .all(...range) as [number, number][];
    for (const [revision, version] of schemaRows) {
      const event = events.get(revision);
      if (event) events.set(revision, { ...event, schemaVersion: version });
    }
    return [...events.values()];
  }

  async close(): Promise<void> {
    const db = this.#db;
    if (db === undefined) return;
    this.#db = undefined;
    this.#statements.clear();
    // Keeps the query planner's statistics fresh; SQLite recommends it before closing.
    db.pragma("optimize");
    db.close();
  }

  #connection(): Connection {
    if (this.#db === undefined) throw new Error("the store is closed");
    return this.#db;
  }

  #prepare(sql: string): Statement<unknown[]> {
    const db = this.#connection();
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[]>(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading a read lock. */
  #transaction<T>(body: () => T): T {
    return this.#connection().transaction(body).immediate();
  }

  #head(): Revision {
    return this.#prepare("SELECT coalesce(max(revision), 0) FROM revisions").pluck().get() as number;
  }

  #revisionAt(at: Revision | undefined): Revision {
    const head = this.#head();
    if (at === undefined) return head;
    if (!Number.isSafeInteger(at) || at < 0) {
      throw inputError(`invalid revision \`${at}\`: expected a whole number, 0 or more`);
    }
    if (at > head)
      throw new GatehouseError("not_found", `revision ${at} does not exist; the newest is ${head}`);
    return at;
  }

  #newRevision(tenant: string | null, kind: string, options: WriteOptions): Revision {
    const result = this.#prepare(
      "INSERT INTO revisions (tenant, kind, actor, reason, created_at) VALUES (?, ?, ?, ?, ?)",
    ).run(tenant, kind, options.actor ?? null, options.reason ?? null, this.#now().toISOString());
    return Number(result.lastInsertRowid);
  }
}

type SchemaRow = [number, number, string, string, string | null];

function toSchemaVersion([version, revision, text, createdAt, author]: SchemaRow): SchemaVersion {
  return { version, revision, text, createdAt, author };
}

function toRelationship(
  rt: string,
  ri: string,
  rel: string,
  st: string,
  si: string,
  sr: string,
): Relationship {
  return {
    resource: { type: rt, id: ri },
    relation: rel,
    subject: sr === "" ? { type: st, id: si } : { type: st, id: si, relation: sr },
  };
}

function tupleOf(r: Relationship): Tuple {
  return [r.resource.type, r.resource.id, r.relation, r.subject.type, r.subject.id, r.subject.relation ?? ""];
}

/** SpiceDB spells "no relation" `...`; the store spells it '' so the live unique index sees one value. */
function subjectRelationColumn(relation: string | null | undefined): string {
  return relation === undefined || relation === null || relation === ELLIPSIS ? "" : relation;
}

function checkLimit(limit: number, field: string): number {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw inputError(`invalid ${field} \`${limit}\`: expected a whole number, 1 or more`, { field });
  }
  return limit;
}

/**
 * The store checks tuple syntax (not the schema) because its own invariants depend on it: ''
 * means "no relation" and `*` is only ever a subject wildcard.
 */
function tupleProblem(r: Relationship, subjectRelation: string): string | undefined {
  if (!TYPE_NAME.test(r.resource.type)) return `invalid resource type \`${r.resource.type}\``;
  if (!OBJECT_ID.test(r.resource.id)) return `invalid resource id \`${r.resource.id}\``;
  if (!RELATION_NAME.test(r.relation)) return `invalid relation \`${r.relation}\``;
  if (!TYPE_NAME.test(r.subject.type)) return `invalid subject type \`${r.subject.type}\``;
  if (r.subject.id === WILDCARD_ID) {
    if (subjectRelation !== "") return "a wildcard subject cannot have a relation";
  } else if (!OBJECT_ID.test(r.subject.id)) {
    return `invalid subject id \`${r.subject.id}\``;
  }
  if (subjectRelation !== "" && !RELATION_NAME.test(subjectRelation)) {
    return `invalid subject relation \`${subjectRelation}\``;
  }
  return undefined;
}

/** Checks the whole input before touching the database, reporting every problem at once. */
function planUpdates(updates: readonly RelationshipUpdate[]): PlannedUpdate[] {
  if (updates.length === 0)
    throw inputError("a relationship write needs at least one update", { field: "updates" });
  const problems = new Diagnostics();
  const seen = new Map<string, string>();
  const planned: PlannedUpdate[] = [];
  updates.forEach(({ operation, relationship: r }, i) => {
    const field = `updates[${i}]`;
    if (operation !== "create" && operation !== "touch" && operation !== "delete") {
      problems.add(`unknown operation \`${operation}\`: expected \`create\`, \`touch\` or \`delete\``, {
        field,
      });
      return;
    }
    const sr = subjectRelationColumn(r.subject.relation);
    const relationship = toRelationship(
      r.resource.type,
      r.resource.id,
      r.relation,
      r.subject.type,
      r.subject.id,
      sr,
    );
    const name = formatRelationship(relationship);
    const problem = tupleProblem(r, sr);
    if (problem !== undefined) {
      problems.add(`invalid relationship \`${name}\`: ${problem}`, { field });
      return;
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      problems.add(`relationship \`${name}\` appears more than once in one write (also ${earlier})`, {
        field,
      });
      return;
    }
    seen.set(name, field);
    planned.push({ operation, relationship, tuple: tupleOf(relationship), field });
  });
  problems.throwIfAny("invalid relationship write");
  return planned;
}

function conflict(update: PlannedUpdate, what: string): GatehouseError {
  return new GatehouseError(
    "conflict",
    `relationship \`${formatRelationship(update.relationship)}\` ${what}`,
    {
      field: update.field,
    },
  );
}

function combineConflicts(conflicts: readonly GatehouseError[]): GatehouseError {
  const first = conflicts[0]!;
  if (conflicts.length === 1) return first;
  const more = conflicts.length - 1;
  return new GatehouseError(
    "conflict",
    `${first.message} (and ${more} more conflict${more === 1 ? "" : "s"})`,
    first.place,
    conflicts,
  );
}
