import { iterate, NO_RELATION, RELATION_SLOTS } from "./data-index.js";
import { resolveSubject } from "./subject.js";
/**
 * Lookups enumerate candidates by walking the relationship graph from the known end, then
 * confirm each candidate with a check. Any grant needs a chain of relationships from the
 * subject (or its type's wildcard) to the resource, so the walk finds a superset of the answer,
 * and the check makes it exact: lookups can never disagree with checks.
 */
/** Resources of type `resourceType` on which `subject` has `member`, as object ids, sorted. */
export function lookupResources(evaluator, member, subject) {
    const data = evaluator.data;
    evaluator.refresh();
    const resolved = resolveSubject(data, subject);
    const typeId = data.typeId(member.type.name);
    const found = [];
    if (typeId === undefined) {
        // No object of the type exists; only the subject itself can qualify (a userset contains itself).
        if (subject.type === member.type.name && subject.relation === member.name)
            found.push(subject.id);
        return found;
    }
    const seen = new Set();
    const queue = [];
    const start = (object) => {
        if (object >= 0 && !seen.has(object)) {
            seen.add(object);
            queue.push(object);
        }
    };
    start(resolved.object);
    start(resolved.wildcard);
    for (let i = 0; i < queue.length; i++) {
        for (const key of iterate(data.reverse.get(queue[i])))
            start(Math.floor(key / RELATION_SLOTS));
    }
    if (resolved.object < 0 && subject.type === member.type.name && subject.relation === member.name) {
        found.push(subject.id);
    }
    for (const object of seen) {
        if (data.objectTypes[object] !== typeId || object === resolved.wildcard)
            continue;
        if (evaluator.check(object, member, resolved))
            found.push(data.idOf(object));
    }
    return found.sort();
}
/**
 * Subjects of `subjectType` (with `subjectRelation`, if given) that have `member` on `object`.
 * When every subject of the type qualifies through a wildcard, the answer holds `type:*` with
 * the known exceptions, as SpiceDB's LookupSubjects does.
 */
export function lookupSubjects(evaluator, object, member, subjectType, subjectRelation) {
    const data = evaluator.data;
    evaluator.refresh();
    const result = [];
    const typeId = data.typeId(subjectType);
    if (object < 0 || typeId === undefined)
        return result;
    const seen = new Set([object]);
    const queue = [object];
    const relationCount = data.relationNames.length;
    const visit = (next) => {
        if (!seen.has(next)) {
            seen.add(next);
            queue.push(next);
        }
    };
    for (let i = 0; i < queue.length; i++) {
        const base = queue[i] * RELATION_SLOTS;
        for (let slot = 0; slot < relationCount; slot++) {
            for (const next of iterate(data.direct.get(base + slot)))
                visit(next);
            for (const value of iterate(data.usersets.get(base + slot))) {
                const next = Math.floor(value / RELATION_SLOTS);
                visit(next);
            }
        }
    }
    const relationSlot = subjectRelation === undefined ? NO_RELATION : (data.relationId(subjectRelation) ?? -2);
    const wildcard = data.wildcardOf[typeId];
    const candidates = [];
    for (const candidate of seen) {
        if (data.objectTypes[candidate] === typeId && candidate !== wildcard)
            candidates.push(candidate);
    }
    const allowed = [];
    const denied = [];
    for (const candidate of candidates) {
        const subject = {
            object: candidate,
            relation: relationSlot,
            relationName: subjectRelation,
            wildcard,
        };
        const ref = data.subjectRef(candidate, relationSlot < 0 ? NO_RELATION : relationSlot);
        const named = subjectRelation === undefined ? ref : { ...ref, relation: subjectRelation };
        if (evaluator.check(object, member, subject))
            allowed.push(named);
        else
            denied.push(named);
    }
    if (wildcard >= 0 && seen.has(wildcard)) {
        // A subject the data has never seen stands for "everyone else" of the type.
        const anyone = {
            object: -3,
            relation: relationSlot,
            relationName: subjectRelation,
            wildcard,
        };
        if (evaluator.check(object, member, anyone)) {
            result.push({ subject: { type: subjectType, id: "*" }, excluded: denied.sort(compareSubjects) });
        }
    }
    for (const subject of allowed.sort(compareSubjects))
        result.push({ subject, excluded: [] });
    return result;
}
function compareSubjects(a, b) {
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
//# sourceMappingURL=lookup.js.map