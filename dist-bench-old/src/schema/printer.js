/**
 * Formats a schema the way `zed` does: one definition per block, members indented by a tab,
 * comments kept above what they describe. Parentheses are printed only where the tree needs
 * them, so parse → print → parse gives the same tree.
 */
export function printSchema(ast) {
    return `${ast.definitions
        .map((definition) => {
        const head = [...definition.comments, `definition ${definition.name} {`];
        if (definition.members.length === 0)
            return `${[...definition.comments, `definition ${definition.name} {}`].join("\n")}`;
        const body = definition.members.map(printMember).join("\n");
        return `${head.join("\n")}\n${body}\n}`;
    })
        .join("\n\n")}\n`;
}
function printMember(member) {
    const comments = member.comments.map((c) => `\t${indentComment(c)}\n`).join("");
    if (member.kind === "relation") {
        return `${comments}\trelation ${member.name}: ${member.allowed.map(printAllowed).join(" | ")}`;
    }
    return `${comments}\tpermission ${member.name} = ${printExpression(member.expression)}`;
}
function indentComment(comment) {
    return comment
        .split("\n")
        .map((line, i) => i === 0 ? line : `\t${line.trimStart().startsWith("*") ? " " : ""}${line.trimStart()}`)
        .join("\n");
}
function printAllowed(subject) {
    if (subject.wildcard)
        return `${subject.type}:*`;
    if (subject.relation !== undefined)
        return `${subject.type}#${subject.relation}`;
    return subject.type;
}
/** Binding strength, loosest first: `-`, `&`, `+`, then arrows and names. */
function strength(e) {
    switch (e.kind) {
        case "exclusion":
            return 1;
        case "intersection":
            return 2;
        case "union":
            return 3;
        default:
            return 4;
    }
}
export function printExpression(e) {
    switch (e.kind) {
        case "nil":
            return "nil";
        case "reference":
            return e.name;
        case "arrow":
            return e.mode === "arrow" ? `${e.tupleset}->${e.computed}` : `${e.tupleset}.${e.mode}(${e.computed})`;
        case "union":
        case "intersection": {
            const operator = e.kind === "union" ? " + " : " & ";
            // An operand of the same kind needs parentheses, or it would be flattened into this one.
            return e.operands.map((o) => wrap(o, strength(o) <= strength(e))).join(operator);
        }
        case "exclusion":
            // Left-associative: only a right-hand exclusion needs parentheses.
            return `${wrap(e.base, strength(e.base) < 1)} - ${wrap(e.subtracted, strength(e.subtracted) <= 1)}`;
    }
}
function wrap(e, parenthesize) {
    const text = printExpression(e);
    return parenthesize ? `(${text})` : text;
}
//# sourceMappingURL=printer.js.map