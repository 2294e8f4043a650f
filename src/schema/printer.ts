import type {
  AllowedSubjectAst,
  CaveatAst,
  CaveatTypeAst,
  DefinitionAst,
  ExpressionAst,
  MemberAst,
  SchemaAst,
  TopLevelAst,
} from "./ast.js";

/**
 * Formats a schema the way `zed` does: one definition per block, members indented by a tab,
 * comments kept above what they describe. Parentheses are printed only where the tree needs
 * them, so parse → print → parse gives the same tree.
 */
export function printSchema(ast: SchemaAst): string {
  return `${ast.items.map(printItem).join("\n\n")}\n`;
}

function printItem(item: TopLevelAst): string {
  switch (item.kind) {
    case "use":
      return [...item.comments, `use ${item.feature}`].join("\n");
    case "caveat":
      return printCaveat(item);
    case "definition":
      return printDefinition(item);
  }
}

function printDefinition(definition: DefinitionAst): string {
  const head = [...definition.comments, `definition ${definition.name} {`];
  if (definition.members.length === 0)
    return `${[...definition.comments, `definition ${definition.name} {}`].join("\n")}`;
  const body = definition.members.map(printMember).join("\n");
  return `${head.join("\n")}\n${body}\n}`;
}

/** The expression is printed as written (CEL has its own layout); only its ends are trimmed. */
function printCaveat(caveat: CaveatAst): string {
  const parameters = caveat.parameters.map((p) => `${p.name} ${printCaveatType(p.type)}`).join(", ");
  return [...caveat.comments, `caveat ${caveat.name}(${parameters}) {`, `\t${caveat.expression}`, "}"].join(
    "\n",
  );
}

export function printCaveatType(type: CaveatTypeAst): string {
  return type.arguments.length === 0
    ? type.name
    : `${type.name}<${type.arguments.map(printCaveatType).join(", ")}>`;
}

function printMember(member: MemberAst): string {
  const comments = member.comments.map((c) => `\t${indentComment(c)}\n`).join("");
  if (member.kind === "relation") {
    const last = member.allowed.length - 1;
    return `${comments}\trelation ${member.name}: ${member.allowed.map((a, i) => printAllowed(a, i === last)).join(" | ")}`;
  }
  const annotation = member.annotation ? `: ${member.annotation.map((a) => a.type).join(" | ")}` : "";
  return `${comments}\tpermission ${member.name}${annotation} = ${printExpression(member.expression)}`;
}

function indentComment(comment: string): string {
  return comment
    .split("\n")
    .map((line, i) =>
      i === 0 ? line : `\t${line.trimStart().startsWith("*") ? " " : ""}${line.trimStart()}`,
    )
    .join("\n");
}

function printAllowed(subject: AllowedSubjectAst, last: boolean): string {
  const traits = [subject.caveat?.name, subject.expirationSpan ? "expiration" : undefined].filter(
    (t) => t !== undefined,
  );
  // SpiceDB does not end a line after `folder#...`, so the last type is printed `folder`: the same.
  const ellipsisLast = last && subject.relation === "..." && traits.length === 0;
  const base = subject.wildcard
    ? `${subject.type}:*`
    : subject.relation !== undefined && !ellipsisLast
      ? `${subject.type}#${subject.relation}`
      : subject.type;
  return traits.length > 0 ? `${base} with ${traits.join(" and ")}` : base;
}

/** Binding strength, loosest first: `-`, `&`, `+`, then arrows and names. */
function strength(e: ExpressionAst): number {
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

export function printExpression(e: ExpressionAst): string {
  switch (e.kind) {
    case "nil":
      return "nil";
    case "self":
      return "self";
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

function wrap(e: ExpressionAst, parenthesize: boolean): string {
  const text = printExpression(e);
  return parenthesize ? `(${text})` : text;
}
