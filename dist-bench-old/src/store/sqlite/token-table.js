import { checkText } from "../common/input-checks.js";
import { TOKEN_COLUMNS as COLUMNS, checkNewToken, noLiveToken, secretInUse, tokenExists, toTokenRecord, } from "../common/token-checks.js";
/**
 * The `tokens` table. Each method is one step of a transaction the store opens (with the audit
 * record of the act); none opens its own.
 */
export class TokenTable {
    #db;
    #now;
    constructor(db, now) {
        this.#db = db;
        this.#now = now;
    }
    insert(token) {
        const { name, role, tenants, secretHash } = checkNewToken(token);
        if (this.#live(name) !== undefined)
            throw tokenExists(name);
        if (this.#db.prepare("SELECT 1 FROM tokens WHERE secret_hash = ?").get(secretHash) !== undefined) {
            throw secretInUse();
        }
        const row = this.#db
            .prepare(`INSERT INTO tokens (name, role, tenants, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)
         RETURNING ${COLUMNS}`)
            .raw()
            .get(name, role, tenants === null ? null : JSON.stringify(tenants), secretHash, this.#now());
        return toTokenRecord(...row);
    }
    /** Every token, revoked ones too, in the order created. */
    list() {
        const rows = this.#db.prepare(`SELECT ${COLUMNS} FROM tokens ORDER BY id`).raw().all();
        return rows.map((row) => toTokenRecord(...row));
    }
    revoke(name) {
        checkText(name, "name");
        const row = this.#db
            .prepare(`UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL RETURNING ${COLUMNS}`)
            .raw()
            .get(this.#now(), name);
        if (row === undefined) {
            const known = this.#db.prepare("SELECT 1 FROM tokens WHERE name = ?").get(name) !== undefined;
            throw noLiveToken(name, known);
        }
        return toTokenRecord(...row);
    }
    findLive(secretHash) {
        if (typeof secretHash !== "string")
            return undefined;
        const row = this.#db
            .prepare(`SELECT ${COLUMNS} FROM tokens WHERE secret_hash = ? AND revoked_at IS NULL`)
            .raw()
            .get(secretHash);
        return row === undefined ? undefined : toTokenRecord(...row);
    }
    #live(name) {
        return this.#db
            .prepare(`SELECT ${COLUMNS} FROM tokens WHERE name = ? AND revoked_at IS NULL`)
            .raw()
            .get(name);
    }
}
//# sourceMappingURL=token-table.js.map