import { allows } from "../schema/validate-relationship.js";
/**
 * The kinds of live relationship a schema would no longer allow. A schema that orphans data is
 * refused (as SpiceDB refuses it): the data would silently stop granting access.
 */
export function orphanedShapes(schema, shapes) {
    const problems = [];
    for (const shape of shapes) {
        const relation = schema.typesByName.get(shape.resourceType)?.members.get(shape.relation);
        const subject = shape.subjectWildcard
            ? { type: shape.subjectType, id: "*" }
            : { type: shape.subjectType, id: "x", relation: shape.subjectRelation ?? undefined };
        if (relation?.kind === "relation" && allows(relation, subject))
            continue;
        const written = `${shape.resourceType}#${shape.relation}@${shape.subjectType}${shape.subjectWildcard ? ":*" : shape.subjectRelation ? `#${shape.subjectRelation}` : ""}`;
        problems.push(`the new schema does not allow \`${written}\`, which ${shape.count} live relationship${shape.count === 1 ? "" : "s"} use; delete them first or keep allowing them`);
    }
    return problems;
}
//# sourceMappingURL=orphans.js.map