import { Diagnostics } from "../model/errors.js";
import { RELATION_NAME, TYPE_NAME } from "../model/names.js";
/**
 * Checks a parsed schema and compiles it. Every problem is collected (unknown types and
 * relations, arrows over missing or unsuitable relations, permissions that reference each
 * other in a cycle, duplicates, bad names) and reported together with its place.
 */
export function checkSchema(ast, text, place, diagnostics = new Diagnostics()) {
    const types = [];
    const typesByName = new Map();
    const members = [];
    const astByType = new Map();
    const warnings = [];
    // Pass 1: names, so that references may point forward.
    for (const definition of ast.definitions) {
        if (!TYPE_NAME.test(definition.name)) {
            diagnostics.add(`invalid definition name \`${definition.name}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters, optionally prefixed like \`app/user\``, place(definition.nameSpan));
        }
        if (typesByName.has(definition.name)) {
            diagnostics.add(`definition \`${definition.name}\` is defined more than once`, place(definition.nameSpan));
            continue;
        }
        const type = { id: types.length, name: definition.name, members: new Map() };
        types.push(type);
        typesByName.set(type.name, type);
        astByType.set(type, definition);
        const typeMembers = type.members;
        for (const member of definition.members) {
            if (!RELATION_NAME.test(member.name)) {
                diagnostics.add(`invalid ${member.kind} name \`${member.name}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters`, place(member.nameSpan));
            }
            if (typeMembers.has(member.name)) {
                diagnostics.add(`\`${member.name}\` is defined more than once in definition \`${definition.name}\``, place(member.nameSpan));
                continue;
            }
            const def = member.kind === "relation"
                ? { kind: "relation", id: members.length, name: member.name, type, allowed: [] }
                : {
                    kind: "permission",
                    id: members.length,
                    name: member.name,
                    type,
                    expression: { op: "nil" },
                };
            members.push(def);
            typeMembers.set(member.name, def);
        }
    }
    // Pass 2: allowed subject types of relations.
    for (const [type, definition] of astByType) {
        for (const member of definition.members) {
            if (member.kind !== "relation")
                continue;
            const def = type.members.get(member.name);
            if (def?.kind !== "relation" || !sameSpan(member.nameSpan, definitionMemberSpan(definition, def.name)))
                continue;
            const allowed = [];
            const seen = new Set();
            for (const subject of member.allowed) {
                const subjectType = typesByName.get(subject.type);
                const written = `${subject.type}${subject.wildcard ? ":*" : subject.relation ? `#${subject.relation}` : ""}`;
                if (!subjectType) {
                    diagnostics.add(`unknown type \`${subject.type}\` in relation \`${definition.name}#${member.name}\``, place(subject.span));
                    continue;
                }
                const key = subject.wildcard ? `${subject.type}:*` : `${subject.type}#${subject.relation ?? "..."}`;
                if (seen.has(key)) {
                    diagnostics.add(`subject type \`${written}\` is listed more than once in relation \`${definition.name}#${member.name}\``, place(subject.span));
                    continue;
                }
                seen.add(key);
                let relation;
                if (subject.relation !== undefined && subject.relation !== "...") {
                    relation = subjectType.members.get(subject.relation);
                    if (!relation) {
                        diagnostics.add(`unknown relation \`${subject.relation}\` on type \`${subject.type}\` in relation \`${definition.name}#${member.name}\``, place(subject.span));
                        continue;
                    }
                }
                const includedWildcard = relation?.kind === "relation" ? wildcardOf(astByType.get(subjectType), relation.name) : undefined;
                if (includedWildcard !== undefined) {
                    // SpiceDB refuses this too: a wildcard may not be included through another relation.
                    diagnostics.add(`\`${written}\` in relation \`${definition.name}#${member.name}\` points at a relation that allows the wildcard \`${includedWildcard}:*\`; a wildcard cannot be included through another relation (use a permission, or allow \`${includedWildcard}:*\` here)`, place(subject.span));
                    continue;
                }
                allowed.push({ type: subjectType, relation, wildcard: subject.wildcard });
            }
            def.allowed = allowed;
        }
    }
    // Pass 3: permission expressions.
    for (const [type, definition] of astByType) {
        for (const member of definition.members) {
            if (member.kind !== "permission")
                continue;
            const def = type.members.get(member.name);
            if (def?.kind !== "permission" ||
                !sameSpan(member.nameSpan, definitionMemberSpan(definition, def.name)))
                continue;
            def.expression = compileExpression(member.expression, type, member, place, diagnostics, warnings);
        }
        reportPermissionCycles(type, definition, place, diagnostics);
    }
    return { text, types, typesByName, members, warnings };
}
/** The type of the wildcard a relation of a definition allows, if it allows one. */
function wildcardOf(definition, relation) {
    const member = definition?.members.find((m) => m.name === relation);
    return member?.kind === "relation" ? member.allowed.find((a) => a.wildcard)?.type : undefined;
}
function definitionMemberSpan(definition, name) {
    return definition.members.find((m) => m.name === name)?.nameSpan;
}
function sameSpan(a, b) {
    return b !== undefined && a.start.offset === b.start.offset;
}
function compileExpression(expression, type, permission, place, diagnostics, warnings) {
    const where = `permission \`${type.name}#${permission.name}\``;
    const walk = (e) => {
        switch (e.kind) {
            case "nil":
                return { op: "nil" };
            case "union":
            case "intersection":
                return { op: e.kind, operands: e.operands.map(walk) };
            case "exclusion":
                return { op: "exclusion", base: walk(e.base), subtracted: walk(e.subtracted) };
            case "reference": {
                const member = type.members.get(e.name);
                if (!member) {
                    diagnostics.add(`unknown relation or permission \`${e.name}\` in ${where}`, place(e.span));
                    return { op: "nil" };
                }
                return { op: "ref", member };
            }
            case "arrow": {
                const tupleset = type.members.get(e.tupleset);
                const arrowText = e.mode === "arrow" ? `${e.tupleset}->${e.computed}` : `${e.tupleset}.${e.mode}(${e.computed})`;
                if (!tupleset) {
                    diagnostics.add(`unknown relation \`${e.tupleset}\` in arrow \`${arrowText}\` of ${where}`, place(e.tuplesetSpan));
                    return { op: "nil" };
                }
                if (tupleset.kind !== "relation") {
                    diagnostics.add(`arrows can only walk relations, but \`${e.tupleset}\` is a permission (in \`${arrowText}\` of ${where})`, place(e.tuplesetSpan));
                    return { op: "nil" };
                }
                const computedByType = new Map();
                for (const allowed of tupleset.allowed) {
                    if (allowed.wildcard) {
                        diagnostics.add(`arrow \`${arrowText}\` of ${where} walks relation \`${e.tupleset}\`, which allows the wildcard \`${allowed.type.name}:*\`; arrows cannot walk wildcards`, place(e.tuplesetSpan));
                        continue;
                    }
                    const target = allowed.type.members.get(e.computed);
                    if (target)
                        computedByType.set(allowed.type.id, target);
                }
                if (computedByType.size === 0 &&
                    tupleset.allowed.length > 0 &&
                    !tupleset.allowed.some((a) => a.wildcard)) {
                    // SpiceDB accepts this and answers "no"; it is almost always a typo, so say so.
                    const typeNames = [...new Set(tupleset.allowed.map((a) => `\`${a.type.name}\``))].join(", ");
                    const at = place(e.computedSpan);
                    warnings.push(`${at.file ? `${at.file}:` : ""}${at.line}:${at.column}: arrow \`${arrowText}\` of ${where}: none of the subject types of \`${e.tupleset}\` (${typeNames}) has \`${e.computed}\`, so it never grants anything`);
                }
                return {
                    op: "arrow",
                    mode: e.mode === "all" ? "all" : "any",
                    tupleset,
                    computed: e.computed,
                    computedByType,
                };
            }
        }
    };
    return walk(expression);
}
/**
 * Permissions of one definition that refer to each other by name (not through an arrow, which
 * moves to another object) would be evaluated forever, so they are an error.
 */
function reportPermissionCycles(type, definition, place, diagnostics) {
    const refs = new Map();
    for (const member of definition.members) {
        if (member.kind !== "permission")
            continue;
        const names = [];
        const walk = (e) => {
            if (e.kind === "reference")
                names.push(e.name);
            else if (e.kind === "union" || e.kind === "intersection")
                e.operands.forEach(walk);
            else if (e.kind === "exclusion") {
                walk(e.base);
                walk(e.subtracted);
            }
        };
        walk(member.expression);
        refs.set(member.name, names.filter((n) => type.members.get(n)?.kind === "permission"));
    }
    const state = new Map();
    const reported = new Set();
    const visit = (name, path) => {
        if (state.get(name) === "done")
            return;
        if (state.get(name) === "visiting") {
            const cycle = [...path.slice(path.indexOf(name)), name];
            const key = [...new Set(cycle)].sort().join(",");
            if (reported.has(key))
                return;
            reported.add(key);
            const member = definition.members.find((m) => m.name === name);
            diagnostics.add(`permissions of definition \`${type.name}\` reference each other in a cycle: ${cycle.join(" -> ")}`, place(member.nameSpan));
            return;
        }
        state.set(name, "visiting");
        for (const next of refs.get(name) ?? [])
            visit(next, [...path, name]);
        state.set(name, "done");
    };
    for (const name of refs.keys())
        visit(name, []);
}
//# sourceMappingURL=checker.js.map