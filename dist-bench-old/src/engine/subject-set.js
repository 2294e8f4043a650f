export const EMPTY = new Map();
const NONE = new Set();
export function has(set, type, object) {
    const t = set.get(type);
    if (t === undefined)
        return false;
    return t.all ? !t.excluded.has(object) : t.members.has(object);
}
/** Whether an object of `type` that the set does not mention (a "fresh" subject) is in it. */
export function hasAnyone(set, type) {
    return set.get(type)?.all === true;
}
function union1(a, b) {
    if (!a.all && !b.all) {
        if (b.members.size === 0)
            return a;
        if (a.members.size === 0)
            return b;
        const members = new Set(a.members);
        for (const x of b.members)
            members.add(x);
        return { all: false, members };
    }
    if (a.all && b.all)
        return { all: true, excluded: intersect(a.excluded, b.excluded) };
    const [co, fin] = a.all
        ? [a, b]
        : [b, a];
    return { all: true, excluded: minus(co.excluded, fin.members) };
}
function intersect1(a, b) {
    if (!a.all && !b.all)
        return { all: false, members: intersect(a.members, b.members) };
    if (a.all && b.all)
        return { all: true, excluded: unite(a.excluded, b.excluded) };
    const [co, fin] = a.all
        ? [a, b]
        : [b, a];
    return { all: false, members: minus(fin.members, co.excluded) };
}
function minus1(a, b) {
    if (!a.all && !b.all)
        return { all: false, members: minus(a.members, b.members) };
    if (!a.all && b.all)
        return { all: false, members: intersect(a.members, b.excluded) };
    if (a.all && !b.all)
        return { all: true, excluded: unite(a.excluded, b.members) };
    return {
        all: false,
        members: minus(b.excluded, a.excluded),
    };
}
function isEmpty(t) {
    return !t.all && t.members.size === 0;
}
export function union(a, b) {
    if (a.size === 0)
        return b;
    if (b.size === 0)
        return a;
    const out = new Map(a);
    for (const [type, tb] of b) {
        const ta = a.get(type);
        out.set(type, ta === undefined ? tb : union1(ta, tb));
    }
    return out;
}
export function intersection(a, b) {
    const out = new Map();
    for (const [type, ta] of a) {
        const tb = b.get(type);
        if (tb === undefined)
            continue;
        const t = intersect1(ta, tb);
        if (!isEmpty(t))
            out.set(type, t);
    }
    return out;
}
export function difference(a, b) {
    if (a.size === 0 || b.size === 0)
        return a;
    const out = new Map();
    for (const [type, ta] of a) {
        const tb = b.get(type);
        const t = tb === undefined ? ta : minus1(ta, tb);
        if (!isEmpty(t))
            out.set(type, t);
    }
    return out;
}
/** A set of plain objects grouped by type, with wildcard types granting everyone. */
export class SubjectSetBuilder {
    members = new Map();
    everyone = new Set();
    addObject(type, object) {
        let set = this.members.get(type);
        if (!set) {
            set = new Set();
            this.members.set(type, set);
        }
        set.add(object);
    }
    addEveryone(type) {
        this.everyone.add(type);
    }
    build() {
        const out = new Map();
        for (const [type, members] of this.members)
            if (!this.everyone.has(type))
                out.set(type, { all: false, members });
        for (const type of this.everyone)
            out.set(type, { all: true, excluded: NONE });
        return out;
    }
}
function intersect(a, b) {
    const [small, large] = a.size <= b.size ? [a, b] : [b, a];
    const out = new Set();
    for (const x of small)
        if (large.has(x))
            out.add(x);
    return out;
}
function unite(a, b) {
    if (b.size === 0)
        return a;
    if (a.size === 0)
        return b;
    const out = new Set(a);
    for (const x of b)
        out.add(x);
    return out;
}
function minus(a, b) {
    if (a.size === 0 || b.size === 0)
        return a;
    const out = new Set();
    for (const x of a)
        if (!b.has(x))
            out.add(x);
    return out;
}
//# sourceMappingURL=subject-set.js.map