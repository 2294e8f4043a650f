import type { SubjectRef } from "../model/relationship.js";
import type { CompiledSchema } from "../schema/compiled.js";
import { allowsWith } from "../schema/validate-relationship.js";
import type { RelationshipShape } from "../store/store.js";

/**
 * The kinds of live relationship a schema would no longer allow. A schema that orphans data is
 * refused (as SpiceDB refuses it): the data would silently stop granting access.
 */
export function orphanedShapes(schema: CompiledSchema, shapes: readonly RelationshipShape[]): string[] {
  const problems: string[] = [];
  for (const shape of shapes) {
    const relation = schema.typesByName.get(shape.resourceType)?.members.get(shape.relation);
    const subject: SubjectRef = shape.subjectWildcard
      ? { type: shape.subjectType, id: "*" }
      : { type: shape.subjectType, id: "x", relation: shape.subjectRelation ?? undefined };
    const caveat = shape.caveatName ?? undefined;
    if (relation?.kind === "relation" && allowsWith(relation, subject, caveat, shape.expiration)) continue;
    const traits = [caveat, shape.expiration ? "expiration" : undefined].filter((t) => t !== undefined);
    const written = `${shape.resourceType}#${shape.relation}@${shape.subjectType}${shape.subjectWildcard ? ":*" : shape.subjectRelation ? `#${shape.subjectRelation}` : ""}${traits.length > 0 ? ` with ${traits.join(" and ")}` : ""}`;
    problems.push(
      `the new schema does not allow \`${written}\`, which ${shape.count} live relationship${shape.count === 1 ? "" : "s"} use; delete them first or keep allowing them`,
    );
  }
  return problems;
}
