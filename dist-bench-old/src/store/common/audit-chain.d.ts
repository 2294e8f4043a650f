import { GatehouseError } from "../../model/errors.js";
import type { AuditVerification } from "../change-records.js";
/**
 * The audit log's hash chain, shared by every backend. Each record's hash covers its own fields
 * and the hash of the record before it, so editing, removing or reordering any record breaks
 * every hash after it; the head (the last seq and hash, kept in a row of its own and updated in
 * the same transaction as each append) catches the removal of the last records, which leaves
 * no later record to notice.
 */
/** A record as it is stored and hashed: `details` is the stored JSON text, not its value. */
export interface ChainRow {
    readonly seq: number;
    readonly at: string;
    readonly actor: string;
    readonly action: string;
    readonly tenant: string | null;
    readonly target: string;
    readonly reason: string | null;
    readonly revision: number | null;
    readonly details: string | null;
    readonly previousHash: string | null;
    readonly hash: string | null;
}
export interface AuditHead {
    readonly seq: number;
    readonly hash: string | null;
}
/**
 * Appending without the head would start the chain over and hide whatever was removed with it,
 * so every audited act is refused until someone looks.
 */
export declare function missingHead(): GatehouseError;
/**
 * The canonical encoding is a JSON array in a fixed order, tagged with a version so that a
 * later encoding can be told apart. JSON.stringify of strings, numbers and null is fully
 * determined, and the details are hashed as the exact text the store keeps.
 */
export declare function auditHash(row: Omit<ChainRow, "hash">): string;
/**
 * Walks the log in seq order, one row at a time (`add` returns false once the first problem
 * is found and no more rows are needed), then `finish` compares the end with the head. Rows are
 * pushed rather than pulled so that SQLite can feed them from one synchronous read and
 * PostgreSQL page by page.
 */
export declare class AuditChainCheck {
    #private;
    /** `head` is undefined when the head row itself is gone. */
    constructor(head: AuditHead | undefined);
    add(row: ChainRow): boolean;
    finish(): AuditVerification;
}
