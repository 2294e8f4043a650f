import { inputError } from "../model/errors.js";
import { RELATION_NAME, TYPE_NAME } from "../model/names.js";
import { parseSubject } from "../model/relationship.js";
const FILTER_KEYS = [
    "resource_type",
    "resource_id",
    "relation",
    "subject_type",
    "subject_id",
    "subject_relation",
    "subject",
];
/**
 * A `delete_where` filter: `{ resource_type, resource_id, relation, subject }` where `subject`
 * is a subject in tuple syntax (`group:old#member`, `user:ann`, `user:*`), or the subject parts
 * as separate keys. At least a resource type is required, so that no filter deletes a tenant.
 */
export function parseFilter(source, map) {
    source.checkKeys(map, FILTER_KEYS, "a `delete_where` filter");
    const place = source.placeOf(map);
    const resourceType = source.string(map, "resource_type");
    if (resourceType === undefined)
        throw inputError("a `delete_where` filter needs at least `resource_type`", place);
    if (!TYPE_NAME.test(resourceType))
        throw inputError(`invalid type name \`${resourceType}\` in \`resource_type\``, place);
    const relation = source.string(map, "relation");
    if (relation !== undefined && !RELATION_NAME.test(relation))
        throw inputError(`invalid relation name \`${relation}\``, place);
    const subjectText = source.string(map, "subject");
    const filter = {
        resourceType,
        resourceId: source.string(map, "resource_id"),
        relation,
        subjectType: source.string(map, "subject_type"),
        subjectId: source.string(map, "subject_id"),
    };
    const subjectRelation = source.string(map, "subject_relation");
    if (subjectRelation !== undefined)
        filter.subjectRelation = subjectRelation === "..." ? null : subjectRelation;
    if (subjectText !== undefined) {
        const subject = parseSubject(subjectText, source.placeOf(source.get(map, "subject")));
        filter.subjectType = subject.type;
        filter.subjectId = subject.id;
        filter.subjectRelation = subject.relation ?? null;
    }
    for (const key of Object.keys(filter))
        if (filter[key] === undefined)
            delete filter[key];
    return filter;
}
//# sourceMappingURL=filter.js.map