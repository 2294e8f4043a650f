import { checkTenant } from "../../model/names.js";
import { type Relationship, WILDCARD_ID } from "../../model/relationship.js";
import { checkLimit } from "../common/input-checks.js";
import {
  SHAPE_SEPARATOR,
  subjectRelationColumn,
  type TupleRow,
  toRelationship,
  tupleOf,
} from "../common/tuples.js";
import type {
  ReadOptions,
  RelationshipFilter,
  RelationshipShape,
  Revision,
  StoredRelationship,
} from "../store.js";
import type { SqliteConnection } from "./connection.js";
import type { Revisions } from "./revisions.js";
import { LIVE_AT, SHAPE, TUPLE } from "./tuple-rows.js";

/** Big enough that per-query overhead vanishes in a million-row load, small enough to stay cache-friendly. */
const SCAN_BATCH = 10_000;

const FILTER_COLUMNS: readonly [keyof RelationshipFilter, string][] = [
  ["resourceType", "resource_type"],
  ["resourceId", "resource_id"],
  ["relation", "relation"],
  ["subjectType", "subject_type"],
  ["subjectId", "subject_id"],
];

/** Reads of relationships as of a revision: by filter, a whole tenant in batches, and by shape. */
export class RelationshipReads {
  readonly #db: SqliteConnection;
  readonly #revisions: Revisions;

  constructor(db: SqliteConnection, revisions: Revisions) {
    this.#db = db;
    this.#revisions = revisions;
  }

  read(tenant: string, filter: RelationshipFilter, options: ReadOptions): StoredRelationship[] {
    checkTenant(tenant, { field: "tenant" });
    const at = this.#revisions.at(options.atRevision);
    const conditions = ["tenant = ?", LIVE_AT];
    const params: unknown[] = [tenant, at, at];
    for (const [key, column] of FILTER_COLUMNS) {
      const value = filter[key];
      if (value === undefined || value === null) continue;
      conditions.push(`${column} = ?`);
      params.push(value);
    }
    if (filter.subjectRelation !== undefined) {
      conditions.push("subject_relation = ?");
      params.push(subjectRelationColumn(filter.subjectRelation));
    }
    if (options.after !== undefined) {
      conditions.push(`(${TUPLE}) > (?, ?, ?, ?, ?, ?)`);
      params.push(...tupleOf(options.after));
    }
    let sql = `SELECT ${TUPLE}, created_revision, deleted_revision FROM relationships
      WHERE ${conditions.join(" AND ")} ORDER BY ${TUPLE}`;
    if (options.limit !== undefined) {
      sql += " LIMIT ?";
      params.push(checkLimit(options.limit, "limit"));
    }
    const rows = this.#db
      .prepare(sql)
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
  async *scan(tenant: string, atRevision: Revision): AsyncIterable<readonly Relationship[]> {
    checkTenant(tenant, { field: "tenant" });
    const at = this.#revisions.at(atRevision);
    const select = `SELECT ${SHAPE}, resource_id, subject_id FROM relationships WHERE tenant = ? AND ${LIVE_AT}`;
    const first = this.#db.prepare(`${select} ORDER BY ${TUPLE} LIMIT ${SCAN_BATCH}`);
    const next = this.#db.prepare(
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

  shapes(): RelationshipShape[] {
    const rows = this.#db
      .prepare(
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
}
