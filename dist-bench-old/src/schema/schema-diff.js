import { formatExpression } from "./format-expression.js";
import { formatAllowed } from "./validate-relationship.js";
/** A member's definition as text: two members mean the same iff their signatures are equal. */
function signature(member) {
    if (member.kind === "relation")
        return `relation: ${member.allowed.map(formatAllowed).sort().join(" | ")}`;
    return `permission = ${formatExpression(member.expression)}`;
}
/** `type#member` names a member's evaluation reads. */
function dependencies(member) {
    if (member.kind === "relation") {
        return member.allowed.filter((a) => a.relation).map((a) => `${a.type.name}#${a.relation.name}`);
    }
    const out = [];
    const walk = (e) => {
        switch (e.op) {
            case "ref":
                out.push(`${member.type.name}#${e.member.name}`);
                break;
            case "union":
            case "intersection":
                e.operands.forEach(walk);
                break;
            case "exclusion":
                walk(e.base);
                walk(e.subtracted);
                break;
            case "arrow":
                out.push(`${member.type.name}#${e.tupleset.name}`);
                for (const target of e.computedByType.values())
                    out.push(`${target.type.name}#${target.name}`);
                break;
            case "nil":
                break;
        }
    };
    walk(member.expression);
    return out;
}
function members(schema) {
    const out = new Map();
    for (const member of schema?.members ?? [])
        out.set(`${member.type.name}#${member.name}`, member);
    return out;
}
/**
 * The members (`type#name`) whose answers may differ between two schemas: those whose own
 * definition changed, appeared or disappeared, and every member that depends on one of them,
 * in either schema. A plan evaluates exactly these for a model change.
 */
export function changedMembers(before, after) {
    const old = members(before);
    const next = members(after);
    const changed = new Set();
    for (const name of new Set([...old.keys(), ...next.keys()])) {
        const a = old.get(name);
        const b = next.get(name);
        if (!a || !b || signature(a) !== signature(b))
            changed.add(name);
    }
    return withDependents(changed, [old, next]);
}
/**
 * The members (`type#name`) whose answers can depend on the given ones: the seeds and,
 * transitively, every member that reads one of them (through a reference, an arrow or a
 * userset). A data change to relation `document#viewer` can move exactly these.
 */
export function dependentMembers(schema, seeds) {
    return withDependents(new Set(seeds), [members(schema)]);
}
function withDependents(seeds, tables) {
    const dependents = new Map();
    for (const table of tables) {
        for (const [name, member] of table) {
            for (const dependency of dependencies(member)) {
                let set = dependents.get(dependency);
                if (!set) {
                    set = new Set();
                    dependents.set(dependency, set);
                }
                set.add(name);
            }
        }
    }
    const queue = [...seeds];
    for (let i = 0; i < queue.length; i++) {
        for (const dependent of dependents.get(queue[i]) ?? []) {
            if (!seeds.has(dependent)) {
                seeds.add(dependent);
                queue.push(dependent);
            }
        }
    }
    return seeds;
}
//# sourceMappingURL=schema-diff.js.map