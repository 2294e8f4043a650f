import { GatehouseError } from "../../model/errors.js";
import type { RelationshipFilter } from "../store.js";

/**
 * A condition on the live relationships of a write's tenant (SpiceDB's write preconditions):
 * some relationship matches `filter` (`mustMatch`), or none does.
 */
export interface WritePrecondition {
  readonly filter: RelationshipFilter;
  readonly mustMatch: boolean;
  /** Where the caller gave it, named in the refusal (`optional_preconditions[0]`). */
  readonly field: string;
}

/**
 * A write refused because a precondition did not hold when the write's transaction looked,
 * holding its tenant: no other write to the tenant could come between the look and the write.
 */
export class PreconditionFailed extends GatehouseError {
  readonly precondition: WritePrecondition;

  constructor(precondition: WritePrecondition) {
    super(
      "conflict",
      `unable to satisfy write precondition \`${precondition.field}\`: ${precondition.mustMatch ? "no relationship matches the filter (MUST_MATCH)" : "a relationship matches the filter (MUST_NOT_MATCH)"}; nothing was written`,
    );
    this.precondition = precondition;
  }
}

/**
 * Throws `PreconditionFailed` for the first precondition that does not hold; `anyLive` answers
 * whether a live relationship of the tenant matches a filter, inside the write's transaction.
 */
export async function checkWritePreconditions(
  preconditions: readonly WritePrecondition[],
  anyLive: (filter: RelationshipFilter) => Promise<boolean>,
): Promise<void> {
  for (const precondition of preconditions)
    if ((await anyLive(precondition.filter)) !== precondition.mustMatch)
      throw new PreconditionFailed(precondition);
}
