import { createHash } from "node:crypto";
import { GatehouseError } from "../../model/errors.js";
/**
 * Appending without the head would start the chain over and hide whatever was removed with it,
 * so every audited act is refused until someone looks.
 */
export function missingHead() {
    return new GatehouseError("internal", "the audit log's head is missing, so no record can be chained to it: the log was tampered with; `gatehouse audit verify` says more");
}
/**
 * The canonical encoding is a JSON array in a fixed order, tagged with a version so that a
 * later encoding can be told apart. JSON.stringify of strings, numbers and null is fully
 * determined, and the details are hashed as the exact text the store keeps.
 */
export function auditHash(row) {
    const encoding = JSON.stringify([
        "gatehouse.audit.v1",
        row.seq,
        row.at,
        row.actor,
        row.action,
        row.tenant,
        row.target,
        row.reason,
        row.revision,
        row.details,
        row.previousHash,
    ]);
    return createHash("sha256").update(encoding, "utf8").digest("hex");
}
/**
 * How far ahead a record whose hash fails is matched against later places: a swap of two
 * records within this distance is reported as a reordering, anything else as an alteration.
 */
const REORDER_WINDOW = 1000;
/**
 * Walks the log in seq order, one row at a time (`add` returns false once the first problem
 * is found and no more rows are needed), then `finish` compares the end with the head. Rows are
 * pushed rather than pulled so that SQLite can feed them from one synchronous read and
 * PostgreSQL page by page.
 */
export class AuditChainCheck {
    #head;
    #last;
    #checked = 0;
    #bad;
    /** A record whose hash does not match its contents, while later rows are searched for its place. */
    #suspect;
    /** `head` is undefined when the head row itself is gone. */
    constructor(head) {
        this.#head = head;
    }
    add(row) {
        if (this.#bad !== undefined)
            return false;
        if (this.#suspect !== undefined)
            return this.#lookForPlace(this.#suspect, row);
        const expected = (this.#last?.seq ?? 0) + 1;
        if (row.seq !== expected) {
            const missing = row.seq - expected === 1 ? `record ${expected} is` : `records ${expected} to ${row.seq - 1} are`;
            const where = this.#last === undefined
                ? `the log starts at ${row.seq}`
                : `${this.#last.seq} is followed by ${row.seq}`;
            return this.#fail(expected, "removed", `${missing} missing: ${where}`);
        }
        if (this.#head !== undefined && row.seq > this.#head.seq) {
            return this.#fail(row.seq, "inserted", `${describe(row)} was not written by Gatehouse: the log's head is record ${this.#head.seq}`);
        }
        if (row.hash === null || auditHash(row) !== row.hash) {
            this.#suspect = { row, looked: 0 };
            return true;
        }
        const previousHash = this.#last?.hash ?? null;
        if (row.previousHash !== previousHash) {
            if (this.#last === undefined) {
                return this.#fail(row.seq, "altered", `${describe(row)} was altered: the first record links to a record before it`);
            }
            return this.#fail(this.#last.seq, "altered", `${describe(this.#last)} was altered: its hash was recomputed, and record ${row.seq} is chained to the hash it had when written`);
        }
        this.#last = row;
        this.#checked++;
        return true;
    }
    finish() {
        if (this.#bad === undefined && this.#suspect !== undefined)
            this.#altered(this.#suspect.row);
        if (this.#bad === undefined)
            this.#checkHead();
        return this.#bad === undefined
            ? { ok: true, checked: this.#checked }
            : { ok: false, checked: this.#checked, firstBad: this.#bad };
    }
    /**
     * A swapped pair shows as a record whose contents hash correctly at the other's place: with
     * the other's link and stored hash when only the contents moved, or with its own stored hash
     * when the hash columns moved with them.
     */
    #lookForPlace(suspect, other) {
        const moved = suspect.row;
        const atOther = { ...moved, seq: other.seq };
        if (auditHash({ ...atOther, previousHash: other.previousHash }) === other.hash ||
            (moved.hash !== null && auditHash(atOther) === moved.hash)) {
            return this.#fail(moved.seq, "reordered", `records ${moved.seq} and ${other.seq} are out of order: record ${moved.seq} holds what was written as record ${other.seq} (${summary(moved)})`);
        }
        suspect.looked++;
        if (suspect.looked < REORDER_WINDOW)
            return true;
        this.#altered(moved);
        return false;
    }
    #altered(row) {
        this.#fail(row.seq, "altered", row.hash === null
            ? `${describe(row)} was altered: it has no hash`
            : `${describe(row)} was altered: its hash does not match its contents`);
    }
    #checkHead() {
        const lastSeq = this.#last?.seq ?? 0;
        const head = this.#head;
        if (head === undefined) {
            this.#fail(lastSeq, "removed", "the audit head (the last record's seq and hash, kept apart from the records) is missing");
            return;
        }
        if (head.seq > lastSeq) {
            const missing = head.seq === lastSeq + 1 ? `record ${head.seq} is` : `records ${lastSeq + 1} to ${head.seq} are`;
            const end = lastSeq === 0 ? "the log is empty" : `the log ends at ${lastSeq}`;
            this.#fail(lastSeq + 1, "removed", `${missing} missing: ${end}, but ${head.seq} records were written`);
            return;
        }
        if (this.#last !== undefined && head.hash !== this.#last.hash) {
            this.#fail(this.#last.seq, "altered", `${describe(this.#last)} was altered: its hash was recomputed, and the audit head keeps the hash it had when written`);
        }
    }
    #fail(seq, problem, message) {
        this.#bad = { seq, problem, message };
        return false;
    }
}
/** Names a record the way a person looks for it: what, on what, by whom, when. */
function summary(row) {
    return `${row.action} on ${row.target} by ${row.actor} at ${row.at}`;
}
function describe(row) {
    return `record ${row.seq} (${summary(row)})`;
}
//# sourceMappingURL=audit-chain.js.map