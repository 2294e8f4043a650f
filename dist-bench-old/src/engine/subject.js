import { NO_RELATION } from "./data-index.js";
export const UNKNOWN_RELATION = -2;
const PHANTOM_RESOURCE = -2;
const PHANTOM_SUBJECT = -3;
export function resolveResource(data, resource) {
    return data.objectOf(resource.type, resource.id) ?? PHANTOM_RESOURCE;
}
export function resolveSubject(data, subject, resource) {
    let object = data.objectOf(subject.type, subject.id);
    if (object === undefined) {
        object =
            resource !== undefined && resource.type === subject.type && resource.id === subject.id
                ? PHANTOM_RESOURCE
                : PHANTOM_SUBJECT;
    }
    const relation = subject.relation === undefined ? NO_RELATION : (data.relationId(subject.relation) ?? UNKNOWN_RELATION);
    const typeId = data.typeId(subject.type);
    // A wildcard grants every subject of its type, usersets included (`doc:*` matches
    // `doc:b#reader`), as SpiceDB answers.
    const wildcard = typeId !== undefined ? data.wildcardOf[typeId] : -1;
    return { object, relation, relationName: subject.relation, wildcard };
}
//# sourceMappingURL=subject.js.map