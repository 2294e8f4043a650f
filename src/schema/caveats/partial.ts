import type { CelEnv, CelResult } from "@bufbuild/cel";
import type { Expr } from "@bufbuild/cel-spec/cel/expr/syntax_pb.js";
import { cel } from "./cel-runtime.js";

/**
 * A caveat expression planned for partial evaluation: its logical skeleton (`&&`, `||`, `!`,
 * `?:`) kept as a tree, every other subexpression planned once as a leaf that knows which
 * parameters it reads. `@bufbuild/cel` has no unknown values, so the skeleton is where
 * cel-go's partial evaluation (which SpiceDB uses) is reproduced: a leaf that reads a missing
 * parameter is unknown, `false && unknown` is false, `true || unknown` is true, and an unknown
 * answer names the missing parameters it still depends on.
 */
export type PartialNode =
  | { readonly op: "and" | "or"; readonly args: readonly PartialNode[] }
  | { readonly op: "not"; readonly arg: PartialNode }
  | {
      readonly op: "choose";
      readonly condition: PartialNode;
      readonly whenTrue: PartialNode;
      readonly whenFalse: PartialNode;
    }
  | {
      readonly op: "leaf";
      readonly run: (bindings: Record<string, unknown>) => CelResult;
      readonly reads: readonly string[];
    };

export type PartialOutcome =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "unknown"; readonly missing: ReadonlySet<string> }
  | { readonly kind: "error"; readonly message: string };

export function planPartial(env: CelEnv, expr: Expr, parameters: ReadonlySet<string>): PartialNode {
  const kind = expr.exprKind;
  if (kind.case === "callExpr" && kind.value.target === undefined) {
    const { function: fn, args } = kind.value;
    if ((fn === "_&&_" || fn === "_||_") && args.length >= 2)
      return { op: fn === "_&&_" ? "and" : "or", args: args.map((a) => planPartial(env, a, parameters)) };
    if (fn === "!_" && args.length === 1) return { op: "not", arg: planPartial(env, args[0]!, parameters) };
    if (fn === "_?_:_" && args.length === 3)
      return {
        op: "choose",
        condition: planPartial(env, args[0]!, parameters),
        whenTrue: planPartial(env, args[1]!, parameters),
        whenFalse: planPartial(env, args[2]!, parameters),
      };
  }
  const run = cel().plan(env, expr);
  return {
    op: "leaf",
    run: (bindings) => run(bindings as Parameters<typeof run>[0]),
    reads: readsOf(expr, parameters),
  };
}

/** The parameters an expression names (a comprehension variable of the same name counts too). */
function readsOf(root: Expr, parameters: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const pending: Expr[] = [root];
  for (let e = pending.pop(); e !== undefined; e = pending.pop()) {
    const k = e.exprKind;
    switch (k.case) {
      case "identExpr":
        if (parameters.has(k.value.name)) out.add(k.value.name);
        break;
      case "selectExpr":
        if (k.value.operand) pending.push(k.value.operand);
        break;
      case "callExpr":
        if (k.value.target) pending.push(k.value.target);
        pending.push(...k.value.args);
        break;
      case "listExpr":
        pending.push(...k.value.elements);
        break;
      case "structExpr":
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === "mapKey") pending.push(entry.keyKind.value);
          if (entry.value) pending.push(entry.value);
        }
        break;
      case "comprehensionExpr":
        for (const part of [
          k.value.iterRange,
          k.value.accuInit,
          k.value.loopCondition,
          k.value.loopStep,
          k.value.result,
        ])
          if (part) pending.push(part);
        break;
      default:
        break;
    }
  }
  return [...out];
}

/** Evaluates with `bindings` (present parameters only); `missing` are the declared ones absent. */
export function evaluatePartial(
  node: PartialNode,
  bindings: Record<string, unknown>,
  missing: ReadonlySet<string>,
): PartialOutcome {
  switch (node.op) {
    case "leaf": {
      const absent = node.reads.filter((r) => missing.has(r));
      if (absent.length > 0) return { kind: "unknown", missing: new Set(absent) };
      const value = node.run(bindings);
      return cel().isCelError(value) ? { kind: "error", message: value.message } : { kind: "value", value };
    }
    case "not": {
      const inner = asBool(evaluatePartial(node.arg, bindings, missing), "!_");
      return inner.kind === "value" ? { kind: "value", value: !inner.value } : inner;
    }
    case "choose": {
      const condition = asBool(evaluatePartial(node.condition, bindings, missing), "_?_:_");
      if (condition.kind !== "value") return condition;
      return evaluatePartial(condition.value ? node.whenTrue : node.whenFalse, bindings, missing);
    }
    case "and":
    case "or": {
      // The value that decides (false for `&&`, true for `||`) wins over unknowns and errors,
      // in any position, as in CEL; otherwise unknowns win over errors, as in cel-go.
      const decisive = node.op === "or";
      const unknown = new Set<string>();
      let error: string | undefined;
      for (const arg of node.args) {
        const outcome = asBool(evaluatePartial(arg, bindings, missing), node.op === "and" ? "_&&_" : "_||_");
        if (outcome.kind === "value") {
          if (outcome.value === decisive) return outcome;
        } else if (outcome.kind === "unknown") for (const m of outcome.missing) unknown.add(m);
        else error ??= outcome.message;
      }
      if (unknown.size > 0) return { kind: "unknown", missing: unknown };
      if (error !== undefined) return { kind: "error", message: error };
      return { kind: "value", value: !decisive };
    }
  }
}

function asBool(
  outcome: PartialOutcome,
  operator: string,
): { kind: "value"; value: boolean } | Exclude<PartialOutcome, { kind: "value" }> {
  if (outcome.kind !== "value") return outcome;
  if (typeof outcome.value === "boolean") return { kind: "value", value: outcome.value };
  return {
    kind: "error",
    message: `found no matching overload for '${operator}' applied to a value that is not a bool`,
  };
}
