import { inputError } from "../../model/errors.js";
import { checkText } from "../common/input-checks.js";
const COLUMNS = "version, text, author, created_at";
/** The guards file, every version kept: 1, 2, 3 ... in the order written. */
export class GuardsVersions {
    #db;
    #now;
    constructor(db, now) {
        this.#db = db;
        this.#now = now;
    }
    insert(text, author) {
        if (typeof text !== "string")
            throw inputError("the guards must be text", { field: "guards" });
        checkText(author, "author");
        const row = this.#db
            .prepare(`INSERT INTO guards_versions (${COLUMNS})
         SELECT coalesce(max(version), 0) + 1, ?, ?, ? FROM guards_versions
         RETURNING ${COLUMNS}`)
            .raw()
            .get(text, author, this.#now());
        return toGuardsVersion(row);
    }
    latest() {
        const row = this.#db
            .prepare(`SELECT ${COLUMNS} FROM guards_versions ORDER BY version DESC LIMIT 1`)
            .raw()
            .get();
        return row === undefined ? undefined : toGuardsVersion(row);
    }
}
function toGuardsVersion([version, text, author, createdAt]) {
    return { version, text, author, createdAt };
}
//# sourceMappingURL=guards-versions.js.map