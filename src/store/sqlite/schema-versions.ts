import type { Revision, SchemaVersion } from "../store.js";
import type { SqliteConnection } from "./connection.js";

type SchemaRow = [number, number, string, string, string | null];

const COLUMNS = "version, revision, text, created_at, author";

/** Schema versions, 1, 2, 3 ..., each written at its own revision and never changed. */
export class SchemaVersions {
  readonly #db: SqliteConnection;

  constructor(db: SqliteConnection) {
    this.#db = db;
  }

  /** Adds the next version at `revision`; call inside the transaction that created the revision. */
  insert(revision: Revision, text: string, createdAt: string, author: string | null): SchemaVersion {
    const row = this.#db
      .prepare(
        `INSERT INTO schema_versions (${COLUMNS})
         SELECT coalesce(max(version), 0) + 1, ?, ?, ?, ? FROM schema_versions
         RETURNING ${COLUMNS}`,
      )
      .raw()
      .get(revision, text, createdAt, author) as SchemaRow;
    return toSchemaVersion(row);
  }

  /** The version in force at `at`. */
  at(at: Revision): SchemaVersion | undefined {
    const row = this.#db
      .prepare(`SELECT ${COLUMNS} FROM schema_versions WHERE revision <= ? ORDER BY revision DESC LIMIT 1`)
      .raw()
      .get(at) as SchemaRow | undefined;
    return row === undefined ? undefined : toSchemaVersion(row);
  }

  /** The first version written after `revision`, if any. */
  firstAfter(revision: Revision): SchemaVersion | undefined {
    const row = this.#db
      .prepare(`SELECT ${COLUMNS} FROM schema_versions WHERE revision > ? ORDER BY revision LIMIT 1`)
      .raw()
      .get(revision) as SchemaRow | undefined;
    return row === undefined ? undefined : toSchemaVersion(row);
  }

  list(): SchemaVersion[] {
    const rows = this.#db.prepare(`SELECT ${COLUMNS} FROM schema_versions ORDER BY version`).raw().all();
    return (rows as SchemaRow[]).map(toSchemaVersion);
  }
}

function toSchemaVersion([version, revision, text, createdAt, author]: SchemaRow): SchemaVersion {
  return { version, revision, text, createdAt, author };
}
