import { dependents } from "../engine/access-diff.js";
export function emptyCandidates() {
    return { subjects: new Map(), relations: new Map(), full: new Set() };
}
/** Adds what the current state of `data` says to `into` (call once before and once after the delta). */
export function collectCandidates(evaluator, sets, touched, into) {
    const data = evaluator.data;
    const perSeed = new Map();
    for (const r of touched) {
        const seed = data.objectOf(r.resource.type, r.resource.id);
        if (seed === undefined)
            continue;
        let entry = perSeed.get(seed);
        if (!entry) {
            entry = { subjects: new Set(), relations: new Set(), wildcard: false };
            perSeed.set(seed, entry);
        }
        entry.relations.add(`${r.resource.type}#${r.relation}`);
        if (r.subject.id === "*") {
            entry.wildcard = true;
            continue;
        }
        const subject = data.objectOf(r.subject.type, r.subject.id);
        if (subject === undefined)
            continue;
        if (r.subject.relation === undefined)
            entry.subjects.add(subject);
        standsFor(evaluator, sets, subject, entry);
    }
    for (const r of touched) {
        // An `.all()` arrow over the changed relation depends on every element of the relation at
        // once: adding or removing one moves subjects that have nothing to do with it.
        const seed = data.objectOf(r.resource.type, r.resource.id);
        if (seed !== undefined && allArrowOver(evaluator, r.resource.type, r.relation))
            perSeed.get(seed).wildcard = true;
    }
    for (const [seed, entry] of perSeed) {
        for (const object of dependents(data, [seed])) {
            if (entry.wildcard)
                into.full.add(object);
            let set = into.subjects.get(object);
            if (!set) {
                set = new Set();
                into.subjects.set(object, set);
            }
            for (const s of entry.subjects)
                set.add(s);
            let relations = into.relations.get(object);
            if (!relations) {
                relations = new Set();
                into.relations.set(object, relations);
            }
            for (const r of entry.relations)
                relations.add(r);
        }
    }
}
function allArrowOver(evaluator, type, relation) {
    const definition = evaluator.schema.typesByName.get(type);
    if (!definition)
        return false;
    const walk = (e) => {
        switch (e.op) {
            case "arrow":
                return e.mode === "all" && e.tupleset.name === relation;
            case "union":
            case "intersection":
                return e.operands.some(walk);
            case "exclusion":
                return walk(e.base) || walk(e.subtracted);
            default:
                return false;
        }
    };
    for (const member of definition.members.values())
        if (member.kind === "permission" && walk(member.expression))
            return true;
    return false;
}
/** Every plain subject with some relation or permission on `object`. */
function standsFor(evaluator, sets, object, entry) {
    const type = evaluator.schemaTypeOf(object);
    if (!type)
        return;
    for (const member of type.members.values()) {
        for (const [, t] of sets.of(object, member)) {
            if (t.all) {
                entry.wildcard = true;
                for (const x of t.excluded)
                    entry.subjects.add(x);
            }
            else {
                for (const x of t.members)
                    entry.subjects.add(x);
            }
        }
    }
}
//# sourceMappingURL=candidates.js.map