import { inputError } from "../../model/errors.js";
import type { AuditFilter, AuditRecord, NewAuditRecord } from "../change-records.js";
import type { Revision } from "../store.js";
import { auditHash, type ChainHead, type ChainRow } from "./audit-chain.js";
import { checkLimit, checkText, checkTime, jsonText } from "./input-checks.js";

/**
 * The audit log's row shape and queries, shared by every backend; only the SQL placeholders
 * (`?` or `$n`), how a backend locks a head and where seqs come from differ.
 */
export const AUDIT_COLUMNS =
  "seq, at, actor, action, tenant, target, reason, revision, details, previous_hash, hash, chain_seq";

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
  hash: string | null,
  chainSeq: number | null,
];

/**
 * The values of a new record, in `AUDIT_COLUMNS` order after `seq`, once checked: `revision`
 * (the act's own revision) overrides the record's. Private: records enter through `chainedAuditRow`.
 */
function auditValues(
  record: NewAuditRecord,
  at: string,
  revision?: Revision,
): [
  at: string,
  actor: string,
  action: string,
  tenant: string | null,
  target: string,
  reason: string | null,
  revision: number | null,
  details: string | null,
] {
  checkText(record.actor, "audit.actor");
  checkText(record.action, "audit.action");
  checkText(record.target, "audit.target");
  checkText(record.tenant ?? null, "audit.tenant", { nullable: true });
  checkText(record.reason ?? null, "audit.reason", { nullable: true });
  const given = record.revision ?? null;
  if (given !== null && (!Number.isSafeInteger(given) || given < 0)) {
    throw inputError(`invalid revision \`${given}\`: expected a whole number, 0 or more`, {
      field: "audit.revision",
    });
  }
  return [
    at,
    record.actor,
    record.action,
    record.tenant ?? null,
    record.target,
    record.reason ?? null,
    revision ?? given,
    jsonText(record.details, "audit.details"),
  ];
}

/**
 * The one way a record enters the log: the row to insert, in `AUDIT_COLUMNS` order, numbered
 * `seq` and chained to `head` (the head of the record's chain, read under the lock that makes
 * this append the only one to that chain). The backend writes the row and the chain's new head
 * (chain seq, seq, hash) in the same transaction.
 */
export function chainedAuditRow(
  record: NewAuditRecord,
  at: string,
  revision: Revision | undefined,
  seq: number,
  head: ChainHead,
): AuditRow {
  const [, actor, action, tenant, target, reason, revisionValue, details] = auditValues(record, at, revision);
  const row = {
    seq,
    chainSeq: head.chainSeq + 1,
    at,
    actor,
    action,
    tenant,
    target,
    reason,
    revision: revisionValue,
    details,
    previousHash: head.hash,
  };
  const hash = auditHash(row);
  return [
    seq,
    at,
    actor,
    action,
    tenant,
    target,
    reason,
    revisionValue,
    details,
    head.hash,
    hash,
    row.chainSeq,
  ];
}

export function toChainRow([
  seq,
  at,
  actor,
  action,
  tenant,
  target,
  reason,
  revision,
  details,
  previousHash,
  hash,
  chainSeq,
]: AuditRow): ChainRow {
  return { seq, at, actor, action, tenant, target, reason, revision, details, previousHash, hash, chainSeq };
}

/**
 * The query listing records, oldest first. `since` is inclusive and `until` exclusive, so
 * consecutive windows neither overlap nor leave a gap; both compare as ISO text, so a date alone
 * means its midnight (UTC).
 */
export function auditQuery(
  filter: AuditFilter,
  placeholder: (n: number) => string,
): { text: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    params.push(value);
    conditions.push(`${condition} ${placeholder(params.length)}`);
  };
  for (const key of ["actor", "action", "tenant", "target"] as const) {
    const value = filter[key];
    if (value !== undefined) add(`${key} =`, value);
  }
  if (filter.since !== undefined) add("at >=", checkTime(filter.since, "since"));
  if (filter.until !== undefined) add("at <", checkTime(filter.until, "until"));
  let text = `SELECT ${AUDIT_COLUMNS} FROM audit_log`;
  if (conditions.length > 0) text += ` WHERE ${conditions.join(" AND ")}`;
  text += " ORDER BY seq";
  if (filter.limit !== undefined) {
    params.push(checkLimit(filter.limit, "limit"));
    text += ` LIMIT ${placeholder(params.length)}`;
  }
  return { text, params };
}

export function toAuditRecord([
  seq,
  at,
  actor,
  action,
  tenant,
  target,
  reason,
  revision,
  details,
  previousHash,
  hash,
  chainSeq,
]: AuditRow): AuditRecord {
  return {
    seq,
    at,
    actor,
    action,
    tenant,
    target,
    reason,
    revision,
    details: details === null ? null : (JSON.parse(details) as unknown),
    hash,
    previousHash,
    chainSeq,
  };
}
