const COLUMNS = "version, revision, text, created_at, author";
/** Schema versions, 1, 2, 3 ..., each written at its own revision and never changed. */
export class SchemaVersions {
    #db;
    constructor(db) {
        this.#db = db;
    }
    /** Adds the next version at `revision`; call inside the transaction that created the revision. */
    insert(revision, text, createdAt, author) {
        const row = this.#db
            .prepare(`INSERT INTO schema_versions (${COLUMNS})
         SELECT coalesce(max(version), 0) + 1, ?, ?, ?, ? FROM schema_versions
         RETURNING ${COLUMNS}`)
            .raw()
            .get(revision, text, createdAt, author);
        return toSchemaVersion(row);
    }
    /** The version in force at `at`. */
    at(at) {
        const row = this.#db
            .prepare(`SELECT ${COLUMNS} FROM schema_versions WHERE revision <= ? ORDER BY revision DESC LIMIT 1`)
            .raw()
            .get(at);
        return row === undefined ? undefined : toSchemaVersion(row);
    }
    /** The first version written after `revision`, if any. */
    firstAfter(revision) {
        const row = this.#db
            .prepare(`SELECT ${COLUMNS} FROM schema_versions WHERE revision > ? ORDER BY revision LIMIT 1`)
            .raw()
            .get(revision);
        return row === undefined ? undefined : toSchemaVersion(row);
    }
    list() {
        const rows = this.#db.prepare(`SELECT ${COLUMNS} FROM schema_versions ORDER BY version`).raw().all();
        return rows.map(toSchemaVersion);
    }
}
function toSchemaVersion([version, revision, text, createdAt, author]) {
    return { version, revision, text, createdAt, author };
}
//# sourceMappingURL=schema-versions.js.map