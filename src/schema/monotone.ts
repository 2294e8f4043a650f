import type { CompiledSchema, Expression } from "./compiled.js";

/**
 * Whether every permission reads the given members (`type#name`, a change's touched relations
 * and everything that depends on them) only positively: never under the subtracted side of an
 * exclusion, never through an `.all()` arrow. Then access is monotone in those relations: a
 * change that only deletes relationships of them can only take access away, one that only
 * writes can only give it, so a plan need not check again what cannot move. Conservative: a
 * double negation counts as negative.
 */
export function readOnlyPositively(schema: CompiledSchema, members: ReadonlySet<string>): boolean {
  for (const member of schema.members) {
    if (member.kind !== "permission") continue;
    const type = member.type.name;
    const positive = (e: Expression, negated: boolean): boolean => {
      switch (e.op) {
        case "nil":
        case "self":
          return true;
        case "ref":
          return !negated || !members.has(`${type}#${e.member.name}`);
        case "union":
        case "intersection":
          return e.operands.every((o) => positive(o, negated));
        case "exclusion":
          return positive(e.base, negated) && positive(e.subtracted, true);
        case "arrow": {
          const reads =
            members.has(`${type}#${e.tupleset.name}`) ||
            [...e.computedByType.values()].some((t) => members.has(`${t.type.name}#${t.name}`));
          return !reads || (!negated && e.mode !== "all");
        }
      }
    };
    if (!positive(member.expression, false)) return false;
  }
  return true;
}
