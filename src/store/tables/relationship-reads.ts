import { checkTenant } from "../../model/names.js";
import { type Relationship, WILDCARD_ID } from "../../model/relationship.js";
import { checkLimit } from "../common/input-checks.js";
import { clockKey, TRAIT_COLUMNS, unexpiredAt, withTraits } from "../common/trait-columns.js";
import {
  SHAPE_SEPARATOR,
  subjectRelationColumn,
  type TupleRow,
  toRelationship,
  tupleOf,
} from "../common/tuples.js";
import type { Database, Sql } from "../sql/sql.js";
import type {
  ReadOptions,
  RelationshipFilter,
  RelationshipShape,
  Revision,
  StoredRelationship,
} from "../store.js";
import type { Revisions } from "./revisions.js";
import { liveAt, shapeColumn, TUPLE } from "./tuple-columns.js";

/** Big enough that per-query overhead vanishes in a million-row load, small enough to stream. */
const SCAN_BATCH = 10_000;

const FILTER_COLUMNS: readonly [keyof RelationshipFilter, string][] = [
  ["resourceType", "resource_type"],
  ["resourceId", "resource_id"],
  ["relation", "relation"],
  ["subjectType", "subject_type"],
  ["subjectId", "subject_id"],
];

/** The conditions of a filter's given fields, their values appended to `params` (`$n` after them). */
function filterConditions(filter: RelationshipFilter, params: unknown[]): string[] {
  const conditions: string[] = [];
  for (const [key, column] of FILTER_COLUMNS) {
    const value = filter[key];
    if (value === undefined || value === null) continue;
    params.push(value);
    conditions.push(`${column} = $${params.length}`);
  }
  if (filter.subjectRelation !== undefined) {
    params.push(subjectRelationColumn(filter.subjectRelation));
    conditions.push(`subject_relation = $${params.length}`);
  }
  return conditions;
}

/** A scanned row: shape, resource id, subject id, caveat name, caveat context, expiration. */
type ScanRow = [string, string, string, string | null, string | null, string | null];

/** Reads of relationships as of a revision: by filter, a whole tenant in batches, and by shape. */
export class RelationshipReads {
  readonly #db: Database;
  readonly #revisions: Revisions;
  /** The store clock (ISO): relationships expired as of it are not read, at any revision. */
  readonly #now: () => string;

  constructor(db: Database, revisions: Revisions, now: () => string) {
    this.#db = db;
    this.#revisions = revisions;
    this.#now = now;
  }

  async read(
    tenant: string,
    filter: RelationshipFilter,
    options: ReadOptions,
  ): Promise<StoredRelationship[]> {
    checkTenant(tenant, { field: "tenant" });
    const limit = options.limit === undefined ? undefined : checkLimit(options.limit, "limit");
    const sql = this.#db.sql;
    const at = await this.#revisions.at(sql, options.atRevision);
    const params: unknown[] = [tenant, at, clockKey(this.#now())];
    const conditions = ["tenant = $1", liveAt(2), unexpiredAt(3), ...filterConditions(filter, params)];
    if (options.after !== undefined) {
      const at = params.length;
      params.push(...tupleOf(options.after));
      conditions.push(
        `(${TUPLE}) > ($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6})`,
      );
    }
    let text = `SELECT ${TUPLE}, created_revision, deleted_revision, ${TRAIT_COLUMNS} FROM relationships
      WHERE ${conditions.join(" AND ")} ORDER BY ${TUPLE}`;
    if (limit !== undefined) {
      params.push(limit);
      text += ` LIMIT $${params.length}`;
    }
    const rows = await sql.rows<
      [...TupleRow, number, number | null, string | null, string | null, string | null]
    >(text, params);
    return rows.map(([rt, ri, rel, st, si, sr, createdRevision, deletedRevision, cn, cc, ea]) => ({
      tenant,
      ...withTraits(toRelationship(rt, ri, rel, st, si, sr), cn, cc, ea),
      createdRevision,
      deletedRevision,
    }));
  }

  /**
   * The tenant's relationships live at head whose expiration falls in (`after`, `until`] (ISO
   * times), in tuple order: what the expiry forecast looks at. The range is read through the
   * `relationships_by_expiry` index (migration 15), so a tenant's plain and far-off rows are
   * never read.
   */
  async expiring(tenant: string, after: string, until: string): Promise<Relationship[]> {
    checkTenant(tenant, { field: "tenant" });
    const rows = await this.#db.sql.rows<[...TupleRow, string | null, string | null, string | null]>(
      `SELECT ${TUPLE}, ${TRAIT_COLUMNS} FROM relationships
        WHERE expires_at > $2 AND expires_at <= $3 AND tenant = $1 AND deleted_revision IS NULL
        ORDER BY ${TUPLE}`,
      [tenant, clockKey(after), clockKey(until)],
    );
    return rows.map(([rt, ri, rel, st, si, sr, cn, cc, ea]) =>
      withTraits(toRelationship(rt, ri, rel, st, si, sr), cn, cc, ea),
    );
  }

  /**
   * Whether a relationship of the tenant that matches the filter is live now, as `sql` (a write's
   * transaction) sees the table: for the write's preconditions. `resourceIdPrefix`: only
   * relationships whose resource id starts with it.
   */
  async anyLive(
    sql: Sql,
    tenant: string,
    filter: RelationshipFilter,
    resourceIdPrefix?: string | undefined,
  ): Promise<boolean> {
    // An expired relationship is not live: a precondition does not match it (as in SpiceDB).
    const params: unknown[] = [tenant, clockKey(this.#now())];
    const conditions = [
      "tenant = $1",
      "deleted_revision IS NULL",
      unexpiredAt(2),
      ...filterConditions(filter, params),
    ];
    if (resourceIdPrefix !== undefined) {
      params.push(resourceIdPrefix.length, resourceIdPrefix);
      conditions.push(`substr(resource_id, 1, $${params.length - 1}) = $${params.length}`);
    }
    const rows = await sql.rows<[number]>(
      `SELECT 1 FROM relationships WHERE ${conditions.join(" AND ")} LIMIT 1`,
      params,
    );
    return rows.length > 0;
  }

  /**
   * Keyset pagination over the primary key (tenant, tuple, created_revision): each batch is one
   * index range scan that starts after the last tuple of the one before, so a batch costs the
   * same at the end of a million rows as at the start, no connection or transaction is held
   * while the consumer works on a batch, and a consumer that stops early leaves nothing open.
   * Paging stays consistent without a snapshot because rows live at a past revision never
   * change; on SQLite, whose one connection refuses every other statement while a cursor is
   * open, each batch is one read that waits for any write in progress. The next batch is read
   * while the consumer works on the current one.
   *
   * The four low-variety columns come back as one shape string: half the strings to create per
   * row (the bulk of a load's time), and every relationship of a shape shares the same type and
   * relation strings, which keeps the indexes built from them small. A caveat and an expiration
   * come back as three more columns, NULL for a plain row, whose relationship is then the same
   * object as before they existed. Relationships expired as of the store clock are left out.
   */
  async *scan(tenant: string, atRevision: Revision): AsyncIterable<readonly Relationship[]> {
    checkTenant(tenant, { field: "tenant" });
    const db = this.#db;
    const at = await this.#revisions.at(db.sql, atRevision);
    const now = clockKey(this.#now());
    const select = `SELECT ${shapeColumn(db.dialect)}, resource_id, subject_id, ${TRAIT_COLUMNS} FROM relationships WHERE tenant = $1 AND ${liveAt(2)} AND ${unexpiredAt(3)}`;
    const first = `${select} ORDER BY ${TUPLE} LIMIT ${SCAN_BATCH}`;
    const next = `${select} AND (${TUPLE}) > ($4, $5, $6, $7, $8, $9) ORDER BY ${TUPLE} LIMIT ${SCAN_BATCH}`;
    const shapes = new Map<string, readonly [string, string, string, string]>();
    const fetch = async (after: Relationship | undefined): Promise<Relationship[]> => {
      const params = after === undefined ? [tenant, at, now] : [tenant, at, now, ...tupleOf(after)];
      const text = after === undefined ? first : next;
      const orderedScan = db.dialect.orderedScan;
      // One statement needs no transaction (on SQLite it waits for a write in progress).
      const rows =
        orderedScan === undefined
          ? await db.sql.rows<ScanRow>(text, params)
          : await db.read(async (sql) => {
              await sql.run(orderedScan);
              return sql.rows<ScanRow>(text, params);
            });
      const batch = new Array<Relationship>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const [shape, resourceId, subjectId, cn, cc, ea] = rows[i]!;
        let parts = shapes.get(shape);
        if (parts === undefined) {
          const [rt = "", rel = "", st = "", sr = ""] = shape.split(SHAPE_SEPARATOR);
          parts = [rt, rel, st, sr];
          shapes.set(shape, parts);
        }
        const r = toRelationship(parts[0], resourceId, parts[1], parts[2], subjectId, parts[3]);
        batch[i] = cn === null && ea === null ? r : withTraits(r, cn, cc, ea);
      }
      return batch;
    };
    if (db.dialect.inProcess) {
      for (let after: Relationship | undefined; ; ) {
        const batch = await fetch(after);
        if (batch.length > 0) yield batch;
        if (batch.length < SCAN_BATCH) return;
        after = batch[batch.length - 1];
      }
    }
    // The next batch is asked for before this one is handed over, so that the server reads it
    // while the consumer (an index build) works on this one.
    let pending: Promise<Relationship[]> | undefined = fetch(undefined);
    try {
      while (pending !== undefined) {
        const batch: Relationship[] = await pending;
        pending = batch.length === SCAN_BATCH ? fetch(batch[batch.length - 1]) : undefined;
        if (batch.length > 0) yield batch;
      }
    } finally {
      // A consumer that stops early: the batch in flight is dropped, its failure with it.
      pending?.catch(() => {});
    }
  }

  async shapes(): Promise<RelationshipShape[]> {
    const rows = await this.#db.sql.rows<
      [string, string, string, string, boolean | number, string | null, boolean | number, number]
    >(
      `SELECT resource_type, relation, subject_type, subject_relation, subject_id = '${WILDCARD_ID}',
              caveat_name, expires_at IS NOT NULL, count(*)
       FROM relationships WHERE deleted_revision IS NULL AND ${unexpiredAt(1)}
       GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
      [clockKey(this.#now())],
    );
    return rows.map(
      ([
        resourceType,
        relation,
        subjectType,
        subjectRelation,
        subjectWildcard,
        caveatName,
        expiration,
        count,
      ]) => ({
        resourceType,
        relation,
        subjectType,
        subjectRelation: subjectRelation === "" ? null : subjectRelation,
        subjectWildcard: subjectWildcard === true || subjectWildcard === 1,
        caveatName,
        expiration: expiration === true || expiration === 1,
        count,
      }),
    );
  }
}
