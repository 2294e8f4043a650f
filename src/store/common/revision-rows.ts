import type { NewAuditRecord } from "../change-records.js";
import type { Revision, RevisionFilter, RevisionRecord, WriteOptions } from "../store.js";
import { checkLimit, checkText, checkTime } from "./input-checks.js";

/**
 * The revision records' shape and query, shared by every backend; only the placeholders differ.
 * The counts come from the relationships table (both stamps are indexed), so nothing is kept
 * twice: a purge that removed rows for good lowers them, as it should.
 */
const REVISION_COLUMNS = `r.revision, r.tenant, r.kind, r.actor, r.door, r.request_id, r.reason, r.created_at,
  (SELECT count(*) FROM relationships c WHERE c.created_revision = r.revision),
  (SELECT count(*) FROM relationships d WHERE d.deleted_revision = r.revision)`;

export type RevisionRow = [
  revision: number | bigint | string,
  tenant: string | null,
  kind: string,
  actor: string | null,
  door: string | null,
  requestId: string | null,
  reason: string | null,
  createdAt: string,
  created: number | bigint | string,
  deleted: number | bigint | string,
];

export function toRevisionRecord(row: RevisionRow): RevisionRecord {
  return {
    revision: Number(row[0]),
    tenant: row[1],
    kind: row[2],
    actor: row[3],
    door: row[4],
    requestId: row[5],
    reason: row[6],
    createdAt: row[7],
    created: Number(row[8]),
    deleted: Number(row[9]),
  };
}

const DEFAULT_LIMIT = 100;

export function revisionQuery(
  revision: Revision,
  placeholder: (n: number) => string,
): { text: string; params: unknown[] } {
  return {
    text: `SELECT ${REVISION_COLUMNS} FROM revisions r WHERE r.revision = ${placeholder(1)}`,
    params: [revision],
  };
}

/** Newest first; every filter field is checked, so a malformed one is an input error, not no rows. */
export function revisionsQuery(
  filter: RevisionFilter,
  placeholder: (n: number) => string,
): { text: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(placeholder(params.length)));
  };
  if (filter.actor !== undefined) {
    checkText(filter.actor, "actor");
    add((p) => `r.actor = ${p}`, filter.actor);
  }
  if (filter.tenant !== undefined) {
    checkText(filter.tenant, "tenant");
    add((p) => `r.tenant = ${p}`, filter.tenant);
  }
  if (filter.tenants !== undefined) {
    if (filter.tenants.length === 0) where.push("1 = 0");
    else {
      const marks = filter.tenants.map((t) => {
        params.push(t);
        return placeholder(params.length);
      });
      where.push(`r.tenant IN (${marks.join(", ")})`);
    }
  }
  if (filter.since !== undefined) add((p) => `r.created_at >= ${p}`, checkTime(filter.since, "since"));
  const limit = checkLimit(filter.limit ?? DEFAULT_LIMIT, "limit");
  params.push(limit);
  return {
    text: `SELECT ${REVISION_COLUMNS} FROM revisions r${where.length ? ` WHERE ${where.join(" AND ")}` : ""}
      ORDER BY r.revision DESC LIMIT ${placeholder(params.length)}`,
    params,
  };
}

/**
 * The audit record of a direct write, when the caller asked for one: the action, who, through
 * which door and request, and the counts (never the tuples, which the revision keeps).
 */
export function writeAuditRecord(
  tenant: string,
  options: WriteOptions,
  counts: { created: number; deleted: number },
): NewAuditRecord | undefined {
  if (!options.audit) return undefined;
  return {
    actor: options.actor ?? "unknown",
    action: options.audit.action,
    tenant,
    target: `tenant:${tenant}`,
    reason: options.reason ?? null,
    details: {
      ...(options.audit.details ?? {}),
      door: options.door ?? null,
      requestId: options.requestId ?? null,
      created: counts.created,
      deleted: counts.deleted,
    },
  };
}
