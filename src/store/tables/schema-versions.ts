import type { Sql } from "../sql/sql.js";
import type { Revision, SchemaVersion } from "../store.js";

type SchemaRow = [number, number, string, string, string | null];

const COLUMNS = "version, revision, text, created_at, author";

/**
 * Schema versions, 1, 2, 3 ..., each written at its own revision and never changed. A version
 * is numbered inside the transaction that holds the revision lock, so max + 1 cannot race.
 */
export class SchemaVersions {
  /** Adds the next version at `revision`; call inside the transaction that took the revision. */
  async insert(
    sql: Sql,
    revision: Revision,
    text: string,
    createdAt: string,
    author: string | null,
  ): Promise<SchemaVersion> {
    const [row] = await sql.rows<SchemaRow>(
      `INSERT INTO schema_versions (${COLUMNS})
       SELECT coalesce(max(version), 0) + 1, $1, $2, $3, $4 FROM schema_versions
       RETURNING ${COLUMNS}`,
      [revision, text, createdAt, author],
    );
    return toSchemaVersion(row!);
  }

  /** The version in force at `at`. */
  async at(sql: Sql, at: Revision): Promise<SchemaVersion | undefined> {
    const [row] = await sql.rows<SchemaRow>(
      `SELECT ${COLUMNS} FROM schema_versions WHERE revision <= $1 ORDER BY revision DESC LIMIT 1`,
      [at],
    );
    return row === undefined ? undefined : toSchemaVersion(row);
  }

  /** The first version written after `revision`, if any. */
  async firstAfter(sql: Sql, revision: Revision): Promise<SchemaVersion | undefined> {
    const [row] = await sql.rows<SchemaRow>(
      `SELECT ${COLUMNS} FROM schema_versions WHERE revision > $1 ORDER BY revision LIMIT 1`,
      [revision],
    );
    return row === undefined ? undefined : toSchemaVersion(row);
  }

  async list(sql: Sql): Promise<SchemaVersion[]> {
    const rows = await sql.rows<SchemaRow>(`SELECT ${COLUMNS} FROM schema_versions ORDER BY version`);
    return rows.map(toSchemaVersion);
  }
}

function toSchemaVersion([version, revision, text, createdAt, author]: SchemaRow): SchemaVersion {
  return { version, revision, text, createdAt, author };
}
