import { v1 } from "@authzed/authzed-node";
import { OneAtATime } from "../model/turns.js";
import type { Gatehouse } from "../service/gatehouse.js";
import { PreconditionFailed, type WritePrecondition } from "../service/records.js";
import type { ErrorInfo } from "./error-info.js";
import { prefixedFilterOf } from "./relationships.js";
import { SpicedbError } from "./status.js";

/** SpiceDB's bound on preconditions in one write. */
const MAX_PRECONDITIONS = 1_000;

/**
 * The SpiceDB door's writes, one at a time in this process: a write first reads what it needs
 * (which DELETEs name a live relationship, what a filter selects) and then writes, and another
 * SpiceDB write of this process must not come between. Preconditions need no such help: the
 * store looks at them inside the write's transaction (see `WriteOptions.preconditions`), which
 * also holds against writes of other doors, processes and nodes.
 */
export const spicedbWrites = new OneAtATime();

/**
 * A request's preconditions in the store's terms, each checked for shape first (INVALID_ARGUMENT,
 * nothing written); the store looks at them inside the write's transaction. A filter may give
 * `optional_resource_id_prefix` (not with `optional_resource_id`), as SpiceDB's may.
 */
export function preconditionsOf(preconditions: readonly v1.Precondition[]): WritePrecondition[] {
  if (preconditions.length > MAX_PRECONDITIONS)
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`optional_preconditions\`: at most ${MAX_PRECONDITIONS} a request, got ${preconditions.length}`,
    );
  return preconditions.map((precondition, i) => {
    const field = `optional_preconditions[${i}]`;
    const { MUST_MATCH, MUST_NOT_MATCH } = v1.Precondition_Operation;
    if (precondition.operation !== MUST_MATCH && precondition.operation !== MUST_NOT_MATCH)
      throw new SpicedbError(
        "INVALID_ARGUMENT",
        `\`${field}.operation\` must be MUST_MATCH or MUST_NOT_MATCH`,
      );
    if (!precondition.filter) throw new SpicedbError("INVALID_ARGUMENT", `\`${field}.filter\` is required`);
    const { filter, resourceIdPrefix } = prefixedFilterOf(precondition.filter, `${field}.filter`);
    return {
      filter,
      mustMatch: precondition.operation === MUST_MATCH,
      field,
      ...(resourceIdPrefix !== undefined ? { resourceIdPrefix } : {}),
    };
  });
}

/**
 * SpiceDB's ErrorInfo for a failed precondition (`ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE`,
 * its operation and the filter's given fields as metadata), as its `ErrPreconditionFailed` sends it.
 */
export function preconditionFailureInfo(precondition: v1.Precondition): ErrorInfo {
  const f = precondition.filter;
  const subject = f?.optionalSubjectFilter;
  const metadata: Record<string, string> = {
    precondition_operation: `OPERATION_${v1.Precondition_Operation[precondition.operation]}`,
  };
  const given: Array<[string, string | undefined]> = [
    ["precondition_resource_type", f?.resourceType],
    ["precondition_resource_id", f?.optionalResourceId],
    ["precondition_resource_id_prefix", f?.optionalResourceIdPrefix],
    ["precondition_relation", f?.optionalRelation],
  ];
  for (const [key, value] of given) if (value) metadata[key] = value;
  if (subject) {
    metadata.precondition_subject_type = subject.subjectType;
    if (subject.optionalSubjectId) metadata.precondition_subject_id = subject.optionalSubjectId;
    if (subject.optionalRelation) metadata.precondition_subject_relation = subject.optionalRelation.relation;
  }
  return { reason: "ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE", metadata };
}

/**
 * Runs a write with preconditions; a failed one becomes SpiceDB's FAILED_PRECONDITION with its
 * ErrorInfo (the message stays Gatehouse's: which precondition, and that nothing was written).
 */
export async function withPreconditionInfo<T>(
  preconditions: readonly v1.Precondition[],
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof PreconditionFailed)) throw error;
    const index = Number(/\[(\d+)\]$/.exec(error.precondition.field)?.[1]);
    const precondition = preconditions[index];
    if (!precondition) throw error;
    throw new SpicedbError(
      "FAILED_PRECONDITION",
      error.message,
      error.facts,
      preconditionFailureInfo(precondition),
    );
  }
}

/**
 * For a call that writes nothing after all (every DELETE names a relationship that is not live):
 * its preconditions at the newest revision, so that it fails as the write would have.
 */
export async function checkPreconditionsNow(
  gatehouse: Gatehouse,
  tenant: string,
  preconditions: readonly WritePrecondition[],
): Promise<void> {
  await gatehouse.checkPreconditions(tenant, preconditions);
}
