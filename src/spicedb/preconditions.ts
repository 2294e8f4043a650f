import { v1 } from "@authzed/authzed-node";
import { OneAtATime } from "../model/turns.js";
import type { Gatehouse } from "../service/gatehouse.js";
import { filterOf } from "./relationships.js";
import { SpicedbError } from "./status.js";

/** SpiceDB's bound on preconditions in one write. */
const MAX_PRECONDITIONS = 1_000;

/**
 * The SpiceDB door's writes, one at a time in this process, so that the preconditions a write
 * checks still hold when it commits, as far as this process's SpiceDB writes go. A write made
 * meanwhile through another door or process is not held back: Gatehouse checks preconditions
 * at the newest revision just before the write, not inside the write's transaction as SpiceDB.
 */
export const spicedbWrites = new OneAtATime();

/** Refuses the write (FAILED_PRECONDITION, nothing written) when a precondition does not hold. */
export async function checkPreconditions(
  gatehouse: Gatehouse,
  tenant: string,
  preconditions: readonly v1.Precondition[],
): Promise<void> {
  if (preconditions.length > MAX_PRECONDITIONS)
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`optional_preconditions\`: at most ${MAX_PRECONDITIONS} a request, got ${preconditions.length}`,
    );
  for (const [i, precondition] of preconditions.entries()) {
    const path = `optional_preconditions[${i}]`;
    const { MUST_MATCH, MUST_NOT_MATCH } = v1.Precondition_Operation;
    if (precondition.operation !== MUST_MATCH && precondition.operation !== MUST_NOT_MATCH)
      throw new SpicedbError(
        "INVALID_ARGUMENT",
        `\`${path}.operation\` must be MUST_MATCH or MUST_NOT_MATCH`,
      );
    if (!precondition.filter) throw new SpicedbError("INVALID_ARGUMENT", `\`${path}.filter\` is required`);
    const filter = filterOf(precondition.filter, `${path}.filter`);
    await gatehouse.catchUp();
    const found = (await gatehouse.readRelationships(tenant, filter, { limit: 1 })).length > 0;
    if (found !== (precondition.operation === MUST_MATCH))
      throw new SpicedbError(
        "FAILED_PRECONDITION",
        `unable to satisfy write precondition \`${path}\`: ${found ? "a relationship matches the filter" : "no relationship matches the filter"} (${precondition.operation === MUST_MATCH ? "MUST_MATCH" : "MUST_NOT_MATCH"}); nothing was written`,
      );
  }
}
