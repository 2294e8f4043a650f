import type { CompiledSchema, Expression, MemberDef } from "../schema/compiled.js";

/**
 * The order a check evaluates operands in. A union stops at the first operand that grants and an
 * intersection at the first that denies, so trying cheap operands first answers many checks
 * without the expensive ones: in `view = edit + viewer + parent->view`, a direct `viewer` grant
 * is found before `edit` walks every ancestor folder. Union and intersection are commutative,
 * and the evaluator's answers do not depend on the order (a cycle is cut the same way on any
 * path), so only the time changes. Exclusions keep their order: the base usually decides.
 *
 * Cost is a static estimate: a relation is one edge lookup, an arrow walks to other objects
 * (and on from there), a permission costs what its expression costs.
 */

/** An arrow's estimated cost: it leaves the object, usually for a chain of ancestors. */
const ARROW_COST = 50;
/** A permission that refers back to itself: unknown, so treated as costly. */
const RECURSIVE_COST = 100;

export function cheapestFirst(schema: CompiledSchema): (Expression | undefined)[] {
  const costs = new Map<number, number>();
  const inProgress = new Set<number>();

  const memberCost = (member: MemberDef): number => {
    if (member.kind === "relation") return 1;
    const known = costs.get(member.id);
    if (known !== undefined) return known;
    if (inProgress.has(member.id)) return RECURSIVE_COST;
    inProgress.add(member.id);
    const cost = expressionCost(member.expression);
    inProgress.delete(member.id);
    costs.set(member.id, cost);
    return cost;
  };

  const expressionCost = (e: Expression): number => {
    switch (e.op) {
      case "nil":
      case "self":
        return 0;
      case "ref":
        return memberCost(e.member);
      case "union":
      case "intersection":
        return e.operands.reduce((sum, o) => sum + expressionCost(o), 0);
      case "exclusion":
        return expressionCost(e.base) + expressionCost(e.subtracted);
      case "arrow":
        return ARROW_COST;
    }
  };

  const reorder = (e: Expression): Expression => {
    switch (e.op) {
      case "union":
      case "intersection": {
        const operands = e.operands
          .map((o, i) => ({ o: reorder(o), cost: expressionCost(o), i }))
          .sort((a, b) => a.cost - b.cost || a.i - b.i)
          .map((x) => x.o);
        return { op: e.op, operands };
      }
      case "exclusion":
        return { op: "exclusion", base: reorder(e.base), subtracted: reorder(e.subtracted) };
      default:
        return e;
    }
  };

  const ordered: (Expression | undefined)[] = [];
  for (const member of schema.members)
    ordered[member.id] = member.kind === "permission" ? reorder(member.expression) : undefined;
  return ordered;
}
