import { OBJECT_ID, RELATION_NAME, TYPE_NAME } from "../../model/names.js";
import { ELLIPSIS, WILDCARD_ID } from "../../model/relationship.js";
/** No name may contain a control character, so this splits a shape unambiguously. */
export const SHAPE_SEPARATOR = "\x1f";
export function toRelationship(rt, ri, rel, st, si, sr) {
    return {
        resource: { type: rt, id: ri },
        relation: rel,
        subject: sr === "" ? { type: st, id: si } : { type: st, id: si, relation: sr },
    };
}
export function tupleOf(r) {
    return [r.resource.type, r.resource.id, r.relation, r.subject.type, r.subject.id, r.subject.relation ?? ""];
}
/** SpiceDB spells "no relation" `...`; the store spells it '' so the live unique index sees one value. */
export function subjectRelationColumn(relation) {
    return relation === undefined || relation === null || relation === ELLIPSIS ? "" : relation;
}
/**
 * The store checks tuple syntax (not the schema) because its own invariants depend on it: ''
 * means "no relation" and `*` is only ever a subject wildcard.
 */
export function tupleProblem(r, subjectRelation) {
    if (!TYPE_NAME.test(r.resource.type))
        return `invalid resource type \`${r.resource.type}\``;
    if (!OBJECT_ID.test(r.resource.id))
        return `invalid resource id \`${r.resource.id}\``;
    if (!RELATION_NAME.test(r.relation))
        return `invalid relation \`${r.relation}\``;
    if (!TYPE_NAME.test(r.subject.type))
        return `invalid subject type \`${r.subject.type}\``;
    if (r.subject.id === WILDCARD_ID) {
        if (subjectRelation !== "")
            return "a wildcard subject cannot have a relation";
    }
    else if (!OBJECT_ID.test(r.subject.id)) {
        return `invalid subject id \`${r.subject.id}\``;
    }
    if (subjectRelation !== "" && !RELATION_NAME.test(subjectRelation)) {
        return `invalid subject relation \`${subjectRelation}\``;
    }
    return undefined;
}
/**
 * Tuples in the order every backend reads in: column by column, each by code point, as SQLite's
 * BINARY and PostgreSQL's "C" collation compare UTF-8 bytes.
 */
export function compareTuples(a, b) {
    for (let i = 0; i < a.length; i++) {
        const x = a[i];
        const y = b[i];
        if (x !== y)
            return x < y ? -1 : 1;
    }
    return 0;
}
//# sourceMappingURL=tuples.js.map