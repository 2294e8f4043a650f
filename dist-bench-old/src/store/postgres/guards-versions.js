import { inputError } from "../../model/errors.js";
import { checkText } from "../common/input-checks.js";
const COLUMNS = "version, text, author, created_at";
/**
 * The guards file, every version kept: 1, 2, 3 ... in the order written. Written only with its
 * audit record, under the audit lock, so max + 1 cannot race.
 */
export class GuardsVersions {
    #now;
    constructor(now) {
        this.#now = now;
    }
    async insert(sql, text, author) {
        if (typeof text !== "string")
            throw inputError("the guards must be text", { field: "guards" });
        checkText(author, "author");
        const [row] = await sql.rows(`INSERT INTO guards_versions (${COLUMNS})
       SELECT coalesce(max(version), 0) + 1, $1, $2, $3 FROM guards_versions
       RETURNING ${COLUMNS}`, [text, author, this.#now()]);
        return toGuardsVersion(row);
    }
    async latest(sql) {
        const [row] = await sql.rows(`SELECT ${COLUMNS} FROM guards_versions ORDER BY version DESC LIMIT 1`);
        return row === undefined ? undefined : toGuardsVersion(row);
    }
}
function toGuardsVersion([version, text, author, createdAt]) {
    return { version, text, author, createdAt };
}
//# sourceMappingURL=guards-versions.js.map