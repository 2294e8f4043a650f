/**
 * Which schema answered a query: the active schema version, or the candidate of the change a
 * staged rollout is rolling out (for its rolled-out tenants). Every answer says it, and the
 * decision log records it, so that a candidate's answers are never taken for the active schema's.
 */
export type SchemaAnswer = { readonly version: number } | { readonly candidate: number };

/** `version 3` or `candidate of change 12`, for people. */
export function describeSchemaAnswer(answer: SchemaAnswer): string {
  return "candidate" in answer ? `candidate of change ${answer.candidate}` : `version ${answer.version}`;
}

/** Whether two answers name the same schema. */
export function sameSchemaAnswer(a: SchemaAnswer, b: SchemaAnswer): boolean {
  return "candidate" in a
    ? "candidate" in b && a.candidate === b.candidate
    : "version" in b && a.version === b.version;
}
