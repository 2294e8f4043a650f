import { GatehouseError, inputError, type Place } from "../../model/errors.js";
import { formatRelationship, type Relationship } from "../../model/relationship.js";
import { nextTurn } from "../../model/turns.js";
import { TRAIT_COLUMNS, traitsOf, unexpiredAt } from "../common/trait-columns.js";
import { subjectRelationColumn, TupleChecks } from "../common/tuples.js";
import type { Dialect, ListColumn } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";
import type { ImportBatch, ImportRepeat, Revision } from "../store.js";
import { TUPLE } from "./tuple-columns.js";

/**
 * An import's relationships are gathered in a temporary table of the import's own connection
 * before they go live, so that the importing process holds one batch at a time, not the file:
 * the table finds a relationship named twice (and the line that named it first), and at the end
 * one statement moves every row into `relationships` at the import's revision. Only that move
 * holds the revision sequence (other writers wait for it, as for any write); the staging before
 * it does not, and on SQLite other statements of this process run between two batches. Nothing
 * in it is seen by anyone else, and it is gone when the import ends, committed or not.
 */
const STAGING = "import_staging";

/** SQLite's page cache while the staged rows go live. */
const MOVE_CACHE_KIB = 64 * 1024;

/**
 * The index of `relationships` whose order is not the tuple's: the move inserts in the tuple's
 * order, so the primary key and the live index grow at their ends, but every row lands in a
 * random place of this one. Past the page cache each insert is a read and a write of a page
 * (at 10M rows most of the move's time), so a big import on SQLite drops it and builds it
 * again after the move, one sort of the whole table (see `#deferred`).
 */
const BY_SUBJECT = "relationships_by_subject";

const STAGED_COLUMNS: readonly ListColumn[] = [
  ["rt", "text"],
  ["ri", "text"],
  ["rel", "text"],
  ["st", "text"],
  ["si", "text"],
  ["sr", "text"],
  ["line", "bigint"],
  ["cn", "text"],
  ["cc", "text"],
  ["ea", "text"],
];

export class ImportStaging {
  readonly #dialect: Dialect;
  readonly #file: string | undefined;
  readonly #checks = new TupleChecks();
  /** Rows staged so far (a relationship named twice counts once). */
  #staged = 0;

  private constructor(dialect: Dialect, file: string | undefined) {
    this.#dialect = dialect;
    this.#file = file;
  }

  /**
   * Creates the table on `sql`: on PostgreSQL the import's transaction (dropped at its end), on
   * SQLite the one connection outside any transaction (dropped by `drop`).
   */
  static async create(sql: Sql, dialect: Dialect, file: string | undefined): Promise<ImportStaging> {
    if (dialect.inProcess) await sql.run(`DROP TABLE IF EXISTS temp.${STAGING}`);
    await sql.run(
      `CREATE TEMP TABLE ${STAGING} (rt text NOT NULL, ri text NOT NULL, rel text NOT NULL,
        st text NOT NULL, si text NOT NULL, sr text NOT NULL, line bigint NOT NULL,
        cn text, cc text, ea text,
        PRIMARY KEY (rt, ri, rel, st, si, sr))${dialect.inProcess ? " WITHOUT ROWID" : " ON COMMIT DROP"}`,
    );
    return new ImportStaging(dialect, file);
  }

  /** Stages a batch; answers the relationships an earlier line named already, with that line. */
  async add(sql: Sql, batch: ImportBatch): Promise<ImportRepeat[]> {
    const rows = batch.relationships.map((r, i) => this.#row(r, batch.lines[i] ?? 0));
    const inserted = this.#dialect.inProcess
      ? await this.#addRowByRow(sql, rows)
      : await this.#addSet(sql, rows);
    const repeats: ImportRepeat[] = [];
    for (let i = 0; i < rows.length; i++) {
      if (inserted[i]) {
        this.#staged++;
        continue;
      }
      const row = rows[i]!;
      const [first] = await sql.rows<[number]>(
        `SELECT line FROM ${STAGING} WHERE rt = $1 AND ri = $2 AND rel = $3 AND st = $4 AND si = $5 AND sr = $6`,
        row.slice(0, 6),
      );
      repeats.push({ at: i, firstLine: Number(first?.[0] ?? 0) });
    }
    return repeats;
  }

  /**
   * Makes every staged relationship live at `revision`; call inside the transaction that took the
   * revision. A relationship live already is left as it is when it carries the same caveat and
   * expiration, and replaced (its row ended at `revision`, the staged one written) when it
   * carries others or has expired as of `now` (`clockKey`'s spelling), as a touch replaces it.
   * Answers how many rows became live and how many were ended.
   */
  async moveInto(
    sql: Sql,
    tenant: string,
    revision: Revision,
    now: string,
    refuseLive = false,
  ): Promise<{ created: number; ended: number }> {
    if (refuseLive) await this.#refuseLive(sql, tenant, now);
    await sql.run(
      "INSERT INTO tenants (name, first_revision) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
      [tenant, revision],
    );
    // SQLite's default page cache (2 MiB) makes a million-row move spill and re-read the
    // subject index's pages many times over; a bigger one, for the move only, bounds memory
    // still (measured at 1M rows: 26 s with the default, 5-18 s with 64 MiB on a busy disk).
    const cache = this.#dialect.inProcess ? await sql.rows<[number]>("PRAGMA cache_size") : [];
    if (cache[0] !== undefined) await sql.run(`PRAGMA cache_size = -${MOVE_CACHE_KIB}`);
    try {
      const ended = await this.#endReplaced(sql, tenant, revision, now);
      const rebuild = await this.#deferred(sql);
      const created = await this.#move(sql, tenant, revision);
      if (rebuild !== undefined) await sql.run(rebuild);
      return { created, ended };
    } finally {
      if (cache[0] !== undefined) await sql.run(`PRAGMA cache_size = ${Number(cache[0][0])}`);
    }
  }

  /**
   * `ImportWriteOptions.refuseLive`: the first staged relationship that is live already (and
   * unexpired), as SpiceDB's ImportBulkRelationships refuses it (ALREADY_EXISTS); the same join
   * as `#endReplaced`, stopped at one row.
   */
  async #refuseLive(sql: Sql, tenant: string, now: string): Promise<void> {
    const [row] = await sql.rows<[string, string, string, string, string, string]>(
      `SELECT s.rt, s.ri, s.rel, s.st, s.si, s.sr FROM ${STAGING} s JOIN relationships r
         ON r.tenant = $1 AND r.deleted_revision IS NULL
         AND s.rt = r.resource_type AND s.ri = r.resource_id AND s.rel = r.relation
         AND s.st = r.subject_type AND s.si = r.subject_id AND s.sr = r.subject_relation
       WHERE ${unexpiredAt(2, "r.")} LIMIT 1`,
      [tenant, now],
    );
    if (row === undefined) return;
    const [rt, ri, rel, st, si, sr] = row;
    const text = `${rt}:${ri}#${rel}@${st}:${si}${sr === "" ? "" : `#${sr}`}`;
    throw new GatehouseError(
      "conflict",
      `relationship \`${text}\` already exists; the import wrote nothing`,
      undefined,
      [],
      { relationship: text },
      "already_exists",
    );
  }

  /**
   * Ends the live rows a staged line replaces: same tuple, other traits or expired. A join of the
   * staging table with the live rows (`UPDATE ... FROM`, in SQLite since 3.33), so a small import
   * into a big tenant probes the live rows' key rather than reading them all; '' stands for NULL
   * in the comparison, as no caveat name, context or expiration is ever ''.
   */
  #endReplaced(sql: Sql, tenant: string, revision: Revision, now: string): Promise<number> {
    return sql.run(
      `UPDATE relationships SET deleted_revision = $2 FROM ${STAGING} s
       WHERE relationships.tenant = $1 AND relationships.deleted_revision IS NULL
         AND s.rt = relationships.resource_type AND s.ri = relationships.resource_id
         AND s.rel = relationships.relation AND s.st = relationships.subject_type
         AND s.si = relationships.subject_id AND s.sr = relationships.subject_relation
         AND (NOT ${unexpiredAt(3, "relationships.")}
           OR coalesce(relationships.caveat_name, '') <> coalesce(s.cn, '')
           OR coalesce(relationships.caveat_context, '') <> coalesce(s.cc, '')
           OR coalesce(relationships.expires_at, '') <> coalesce(s.ea, ''))`,
      [tenant, revision, now],
    );
  }

  /**
   * SQLite, when the staged rows are at least as many as the rows there already (an import into
   * an empty or small store): drops the subject index and answers the statement that builds it
   * again, as the migrations left it. Sorting every row once then costs less than the staged
   * rows' random inserts; for a small import into a big store it would cost more, and the index
   * is kept. The drop is part of the import's transaction: a rollback restores the index, and
   * other connections read the store as it was until the commit. PostgreSQL keeps it: dropping
   * it would lock every tenant's reads of `relationships` out for the whole move.
   */
  async #deferred(sql: Sql): Promise<string | undefined> {
    if (!this.#dialect.inProcess || this.#staged === 0) return undefined;
    const [present] = await sql.rows<[number]>(
      "SELECT count(*) FROM (SELECT 1 FROM relationships LIMIT $1)",
      [this.#staged],
    );
    if (Number(present?.[0] ?? 0) >= this.#staged) return undefined;
    const [index] = await sql.rows<[string | null]>(
      "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1",
      [BY_SUBJECT],
    );
    const create = index?.[0];
    if (typeof create !== "string") return undefined;
    await sql.run(`DROP INDEX ${BY_SUBJECT}`);
    return create;
  }

  #move(sql: Sql, tenant: string, revision: Revision): Promise<number> {
    // `WHERE true`: SQLite reads `ON CONFLICT` after a bare `FROM` as a join's constraint.
    return sql.run(
      `INSERT INTO relationships (tenant, ${TUPLE}, created_revision, ${TRAIT_COLUMNS})
       SELECT $1, rt, ri, rel, st, si, sr, $2, cn, cc, ea FROM ${STAGING} WHERE true ORDER BY rt, ri, rel, st, si, sr
       ON CONFLICT (tenant, ${TUPLE}) WHERE deleted_revision IS NULL DO NOTHING`,
      [tenant, revision],
    );
  }

  /** On SQLite the table outlives a transaction: drop it whether the import committed or not. */
  async drop(sql: Sql): Promise<void> {
    if (this.#dialect.inProcess) await sql.run(`DROP TABLE IF EXISTS temp.${STAGING}`);
  }

  /** The row of a relationship, held to the store's own rules for tuples (see `tuples.ts`). */
  #row(r: Relationship, line: number): unknown[] {
    const sr = subjectRelationColumn(r.subject.relation);
    const problem = this.#checks.problem(r, sr);
    if (problem !== undefined) {
      const place: Place = this.#file !== undefined ? { file: this.#file, line } : { line };
      throw inputError(`invalid relationship \`${formatRelationship(r)}\`: ${problem}`, place);
    }
    // The tuple's columns as `tupleOf` lays them out, the line and the traits.
    const traits = traitsOf(r);
    return [
      r.resource.type,
      r.resource.id,
      r.relation,
      r.subject.type,
      r.subject.id,
      sr,
      line,
      traits[0],
      traits[1],
      traits[2],
    ];
  }

  /** SQLite: a prepared statement per row, in chunks a turn of the event loop apart. */
  async #addRowByRow(sql: Sql, rows: readonly unknown[][]): Promise<boolean[]> {
    const insert = `INSERT INTO ${STAGING} (rt, ri, rel, st, si, sr, line, cn, cc, ea)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
      ON CONFLICT DO NOTHING`;
    const inserted: boolean[] = [];
    for (let start = 0; start < rows.length; start += this.#dialect.writeChunk) {
      if (start > 0) await nextTurn();
      const made = await sql.runEach(insert, rows.slice(start, start + this.#dialect.writeChunk));
      for (const n of made) inserted.push(n > 0);
    }
    return inserted;
  }

  /** PostgreSQL: one statement for the batch; a row named twice in it is inserted once. */
  async #addSet(sql: Sql, rows: readonly unknown[][]): Promise<boolean[]> {
    const columns: unknown[][] = STAGED_COLUMNS.map(() => []);
    for (const row of rows) for (let c = 0; c < columns.length; c++) columns[c]!.push(row[c]);
    const lines = await sql.rows<[number | string]>(
      `INSERT INTO ${STAGING} (rt, ri, rel, st, si, sr, line, cn, cc, ea)
       SELECT rt, ri, rel, st, si, sr, line, cn, cc, ea FROM ${this.#dialect.rowsFrom(1, STAGED_COLUMNS, "u")} ORDER BY n
       ON CONFLICT DO NOTHING RETURNING line`,
      this.#dialect.rowsParams(columns),
    );
    const made = new Set(lines.map(([line]) => Number(line)));
    return rows.map((row) => made.has(row[6] as number));
  }
}
