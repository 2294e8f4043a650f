import type { AuditFilter, AuditRecord, NewAuditRecord } from "../change-records.js";
import type { Revision } from "../store.js";
import { type AuditHead, type ChainRow } from "./audit-chain.js";
/**
 * The audit log's row shape and queries, shared by every backend; only the SQL placeholders
 * (`?` or `$n`) and how a backend locks the head differ.
 */
export declare const AUDIT_COLUMNS = "seq, at, actor, action, tenant, target, reason, revision, details, previous_hash, hash";
export type AuditRow = [
    seq: number,
    at: string,
    actor: string,
    action: string,
    tenant: string | null,
    target: string,
    reason: string | null,
    revision: number | null,
    details: string | null,
    previousHash: string | null,
    hash: string | null
];
/**
 * The one way a record enters the log: the row to insert, in `AUDIT_COLUMNS` order, chained to
 * `head` (the last record's seq and hash, read under the lock that makes this append the only
 * one). The backend writes the row and the new head (`seq`, `hash`) in the same transaction.
 */
export declare function chainedAuditRow(record: NewAuditRecord, at: string, revision: Revision | undefined, head: AuditHead): AuditRow;
export declare function toChainRow([seq, at, actor, action, tenant, target, reason, revision, details, previousHash, hash,]: AuditRow): ChainRow;
/**
 * The query listing records, oldest first. `since` is inclusive and `until` exclusive, so
 * consecutive windows neither overlap nor leave a gap; both compare as ISO text, so a date alone
 * means its midnight (UTC).
 */
export declare function auditQuery(filter: AuditFilter, placeholder: (n: number) => string): {
    text: string;
    params: unknown[];
};
export declare function toAuditRecord([seq, at, actor, action, tenant, target, reason, revision, details, previousHash, hash,]: AuditRow): AuditRecord;
