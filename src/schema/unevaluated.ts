import type { ExpressionAst, SchemaAst, Span } from "./ast.js";

/** A part of the language Gatehouse checks but its engine does not evaluate yet. */
export interface UnevaluatedUse {
  /** What is written, in the schema's words (``caveat `x` ``, `` `with expiration` in relation `doc#viewer` ``). */
  readonly what: string;
  readonly feature: "caveats" | "expiration" | "`self`";
  readonly span: Span;
}

/**
 * The first use (in the order written) of caveats, expiration or `self`, which the engine
 * cannot answer with yet, or `undefined` when the schema uses none. A declaration counts as a
 * use: a schema is put in force to be used, and a caveat declared is a caveat about to be used.
 */
export function firstUnevaluatedUse(ast: SchemaAst): UnevaluatedUse | undefined {
  const uses: UnevaluatedUse[] = [];
  for (const caveat of ast.caveats)
    uses.push({ what: `caveat \`${caveat.name}\``, feature: "caveats", span: caveat.span });
  for (const use of ast.uses)
    if (use.feature === "expiration")
      uses.push({ what: "`use expiration`", feature: "expiration", span: use.span });
  for (const definition of ast.definitions) {
    for (const member of definition.members) {
      const where = `${member.kind} \`${definition.name}#${member.name}\``;
      if (member.kind === "relation") {
        for (const a of member.allowed) {
          if (a.caveat)
            uses.push({
              what: `\`with ${a.caveat.name}\` in ${where}`,
              feature: "caveats",
              span: a.caveat.span,
            });
          if (a.expirationSpan)
            uses.push({
              what: `\`with expiration\` in ${where}`,
              feature: "expiration",
              span: a.expirationSpan,
            });
        }
      } else {
        const self = firstSelf(member.expression);
        if (self) uses.push({ what: `\`self\` in ${where}`, feature: "`self`", span: self });
      }
    }
  }
  return uses.sort((a, b) => a.span.start.offset - b.span.start.offset)[0];
}

function firstSelf(root: ExpressionAst): Span | undefined {
  let first: Span | undefined;
  const pending = [root];
  for (let e = pending.pop(); e !== undefined; e = pending.pop()) {
    if (e.kind === "self" && (first === undefined || e.span.start.offset < first.start.offset))
      first = e.span;
    else if (e.kind === "union" || e.kind === "intersection") pending.push(...e.operands);
    else if (e.kind === "exclusion") pending.push(e.base, e.subtracted);
  }
  return first;
}

export function unevaluatedMessage(use: UnevaluatedUse): string {
  const verb = use.feature === "caveats" ? "are" : "is";
  return `${use.what}: ${use.feature} ${verb} parsed and checked but not yet evaluated by Gatehouse, so it refuses to put this schema in force rather than answer its checks wrongly`;
}
