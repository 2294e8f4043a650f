import { GatehouseError } from "../model/errors.js";
import { parseObject, parseSubject } from "../model/relationship.js";
import type { SchemaAnswer } from "../model/schema-answer.js";
import type { DecisionFilter } from "../store/decision-records.js";

/** How a person (CLI flags, HTTP query parameters) asks for decisions: text, as typed. */
export interface DecisionQuery {
  readonly tenant?: string | undefined;
  readonly resource?: string | undefined;
  readonly permission?: string | undefined;
  readonly subject?: string | undefined;
  /** `allowed` or `denied`. */
  readonly result?: string | undefined;
  /** Which schema answered: `version:N`, or `candidate:CHANGE_ID` (a rollout's candidate). */
  readonly schema?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly fromRevision?: number | undefined;
  readonly toRevision?: number | undefined;
  readonly afterSeq?: number | undefined;
  readonly limit?: number | undefined;
}

/** Decisions listed at most per call unless a limit says otherwise, so a month of log is never printed whole. */
export const DEFAULT_DECISION_LIMIT = 1_000;

/**
 * Turns a query into the store's filter, refusing what is malformed with the field named; the
 * CLI and the HTTP API share it, so both accept and refuse the same things.
 */
export function decisionFilterOf(query: DecisionQuery): DecisionFilter {
  const result = query.result;
  if (result !== undefined && result !== "allowed" && result !== "denied") {
    throw new GatehouseError("input", `invalid result \`${result}\`: expected \`allowed\` or \`denied\``, {
      field: "result",
    });
  }
  if (
    query.fromRevision !== undefined &&
    query.toRevision !== undefined &&
    query.fromRevision > query.toRevision
  ) {
    throw new GatehouseError(
      "input",
      `invalid revision range ${query.fromRevision}..${query.toRevision}: the from-revision is newer than the to-revision`,
      { field: "fromRevision" },
    );
  }
  return {
    tenant: query.tenant,
    resource:
      query.resource !== undefined
        ? parseObject(query.resource, { field: "resource" }, "resource")
        : undefined,
    permission: query.permission,
    subject: query.subject !== undefined ? parseSubject(query.subject, { field: "subject" }) : undefined,
    allowed: result === undefined ? undefined : result === "allowed",
    schema: query.schema !== undefined ? parseSchemaAnswer(query.schema) : undefined,
    since: query.since,
    until: query.until,
    fromRevision: query.fromRevision,
    toRevision: query.toRevision,
    afterSeq: query.afterSeq,
    limit: query.limit ?? DEFAULT_DECISION_LIMIT,
  };
}

/** `version:3` or `candidate:12`, as `decisions list --schema` and the HTTP query take it. */
export function parseSchemaAnswer(text: string): SchemaAnswer {
  const match = /^(version|candidate):(\d{1,15})$/.exec(text);
  if (!match || (match[1] === "candidate" && Number(match[2]) < 1)) {
    throw new GatehouseError(
      "input",
      `invalid schema \`${text}\`: expected \`version:N\` or \`candidate:CHANGE_ID\``,
      { field: "schema" },
    );
  }
  const n = Number(match[2]);
  return match[1] === "version" ? { version: n } : { candidate: n };
}
