import { GatehouseError, type Place } from "../model/errors.js";
import { formatRelationship } from "../model/relationship.js";
import type { RelationshipUpdate } from "../store/store.js";

/**
 * The store refuses a direct write whose `create` names a live relationship or whose `delete`
 * names a missing one, each conflict placed at `updates[i]` (its position in the write). Said
 * here for a person, the same through every surface: which relationship, in which tenant, that
 * nothing was written, and what to do instead. The place is the caller's (`placeOf`): none for
 * a single relationship given on a command line.
 */
export function explainWriteConflicts(
  error: unknown,
  tenant: string,
  updates: readonly RelationshipUpdate[],
  placeOf: (index: number) => Place | undefined,
): unknown {
  if (!(error instanceof GatehouseError) || error.kind !== "conflict") return error;
  const conflicts = error.details.length > 0 ? error.details : [error];
  const explained: GatehouseError[] = [];
  for (const conflict of conflicts) {
    const index = /^updates\[(\d+)\]$/.exec(conflict.place?.field ?? "")?.[1];
    const update = index === undefined ? undefined : updates[Number(index)];
    if (!update) return error; // not one of the store's update conflicts: leave it as it is
    const relationship = `\`${formatRelationship(update.relationship)}\``;
    explained.push(
      new GatehouseError(
        "conflict",
        update.operation === "delete"
          ? `relationship ${relationship} does not exist in tenant \`${tenant}\`, so it cannot be deleted: nothing was written`
          : `relationship ${relationship} already exists in tenant \`${tenant}\`: nothing was written (\`touch\` writes a relationship whether or not it exists)`,
        placeOf(Number(index)),
        [],
        undefined,
        conflict.reason,
      ),
    );
  }
  const [first] = explained;
  if (explained.length === 1 && first) return first;
  return new GatehouseError(
    "conflict",
    `${explained.length} of the ${updates.length} updates conflict with what is live in tenant \`${tenant}\`: nothing was written`,
    undefined,
    explained,
  );
}
