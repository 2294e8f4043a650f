import { v1 } from "@authzed/authzed-node";
import { OneAtATime } from "../model/turns.js";
import type { Gatehouse } from "../service/gatehouse.js";
import type { WritePrecondition } from "../service/records.js";
import { filterOf } from "./relationships.js";
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
 * nothing written); the store looks at them inside the write's transaction.
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
    return {
      filter: filterOf(precondition.filter, `${field}.filter`),
      mustMatch: precondition.operation === MUST_MATCH,
      field,
    };
  });
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
