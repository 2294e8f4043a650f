import type { Expression } from "./compiled.js";

/** Prints a compiled expression in schema syntax, parenthesised as the printer does. */
export function formatExpression(e: Expression): string {
  switch (e.op) {
    case "nil":
      return "nil";
    case "self":
      return "self";
    case "ref":
      return e.member.name;
    case "arrow":
      return e.mode === "all" ? `${e.tupleset.name}.all(${e.computed})` : `${e.tupleset.name}->${e.computed}`;
    case "union":
    case "intersection": {
      const operator = e.op === "union" ? " + " : " & ";
      return e.operands.map((o) => wrap(o, strength(o) <= strength(e))).join(operator);
    }
    case "exclusion":
      return `${formatExpression(e.base)} - ${wrap(e.subtracted, strength(e.subtracted) <= 1)}`;
  }
}

function strength(e: Expression): number {
  return e.op === "exclusion" ? 1 : e.op === "intersection" ? 2 : e.op === "union" ? 3 : 4;
}

function wrap(e: Expression, parenthesize: boolean): string {
  return parenthesize ? `(${formatExpression(e)})` : formatExpression(e);
}
