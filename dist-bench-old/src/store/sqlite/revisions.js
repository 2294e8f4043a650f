import { GatehouseError, inputError } from "../../model/errors.js";
/**
 * The store-wide revision sequence. A revision is a row of `revisions`; its number is the rowid,
 * so a transaction that rolls back gives its number back and a refused write consumes none.
 */
export class Revisions {
    #db;
    #now;
    constructor(db, now) {
        this.#db = db;
        this.#now = now;
    }
    head() {
        return this.#db.prepare("SELECT coalesce(max(revision), 0) FROM revisions").pluck().get();
    }
    /** The revision to read at: head when none is given; one not reached yet is `not_found`. */
    at(at) {
        const head = this.head();
        if (at === undefined)
            return head;
        if (!Number.isSafeInteger(at) || at < 0) {
            throw inputError(`invalid revision \`${at}\`: expected a whole number, 0 or more`);
        }
        if (at > head)
            throw new GatehouseError("not_found", `revision ${at} does not exist; the newest is ${head}`);
        return at;
    }
    /** Starts a new revision; call inside the transaction that writes it. */
    next(tenant, kind, options) {
        const result = this.#db
            .prepare("INSERT INTO revisions (tenant, kind, actor, reason, created_at) VALUES (?, ?, ?, ?, ?)")
            .run(tenant, kind, options.actor ?? null, options.reason ?? null, this.#now());
        return Number(result.lastInsertRowid);
    }
}
//# sourceMappingURL=revisions.js.map