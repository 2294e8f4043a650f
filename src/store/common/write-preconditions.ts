import { GatehouseError } from "../../model/errors.js";
import type { RelationshipFilter } from "../store.js";

/**
 * A condition on the live relationships of a write's tenant (SpiceDB's write preconditions):
 * some relationship matches `filter` (`mustMatch`), or none does.
 */
export interface WritePrecondition {
  readonly filter: RelationshipFilter;
  readonly mustMatch: boolean;
  /** Only relationships whose resource id starts with it (SpiceDB's `optional_resource_id_prefix`). */
  readonly resourceIdPrefix?: string | undefined;
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
 * whether a live relationship of the tenant matches a filter (and whose resource id starts with
 * the prefix, when one is given), inside the write's transaction.
 */
export async function checkWritePreconditions(
  preconditions: readonly WritePrecondition[],
  anyLive: (filter: RelationshipFilter, resourceIdPrefix: string | undefined) => Promise<boolean>,
): Promise<void> {
  for (const precondition of preconditions)
    if ((await anyLive(precondition.filter, precondition.resourceIdPrefix)) !== precondition.mustMatch)
      throw new PreconditionFailed(precondition);
}
