const COLUMNS = "version, revision, text, created_at, author";
/**
 * Schema versions, 1, 2, 3 ..., each written at its own revision and never changed. A version
 * is numbered inside the transaction that holds the revision lock, so max + 1 cannot race.
 */
export class SchemaVersions {
    /** Adds the next version at `revision`; call inside the transaction that took the revision. */
    async insert(sql, revision, text, createdAt, author) {
        const [row] = await sql.rows(`INSERT INTO schema_versions (${COLUMNS})
       SELECT coalesce(max(version), 0) + 1, $1, $2, $3, $4 FROM schema_versions
       RETURNING ${COLUMNS}`, [revision, text, createdAt, author]);
        return toSchemaVersion(row);
    }
    /** The version in force at `at`. */
    async at(sql, at) {
        const [row] = await sql.rows(`SELECT ${COLUMNS} FROM schema_versions WHERE revision <= $1 ORDER BY revision DESC LIMIT 1`, [at]);
        return row === undefined ? undefined : toSchemaVersion(row);
    }
    /** The first version written after `revision`, if any. */
    async firstAfter(sql, revision) {
        const [row] = await sql.rows(`SELECT ${COLUMNS} FROM schema_versions WHERE revision > $1 ORDER BY revision LIMIT 1`, [revision]);
        return row === undefined ? undefined : toSchemaVersion(row);
    }
    async list(sql) {
        const rows = await sql.rows(`SELECT ${COLUMNS} FROM schema_versions ORDER BY version`);
        return rows.map(toSchemaVersion);
    }
}
function toSchemaVersion([version, revision, text, createdAt, author]) {
    return { version, revision, text, createdAt, author };
}
//# sourceMappingURL=schema-versions.js.map