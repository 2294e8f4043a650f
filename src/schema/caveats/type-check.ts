import type { Expr, ParsedExpr } from "@bufbuild/cel-spec/cel/expr/syntax_pb.js";
import {
  BOOL,
  type CelStaticType,
  DYN,
  formatStaticType,
  INT,
  NUMERIC,
  STRING,
  sameType,
} from "./cel-types.js";

export interface TypeProblem {
  readonly message: string;
  /** Offset into the expression text, where the parser recorded one. */
  readonly offset: number | undefined;
}

type Scope = ReadonlyMap<string, CelStaticType>;

const CONVERSIONS: Record<string, CelStaticType> = {
  int: INT,
  uint: { kind: "uint" },
  double: { kind: "double" },
  string: STRING,
  bytes: { kind: "bytes" },
  bool: BOOL,
  timestamp: { kind: "timestamp" },
  duration: { kind: "duration" },
  dyn: DYN,
  type: { kind: "type" },
};

const TYPE_NAMES = new Set([...Object.keys(CONVERSIONS), "list", "map", "null_type"]);

const TIME_ACCESSORS = new Set([
  "getFullYear",
  "getMonth",
  "getDate",
  "getDayOfMonth",
  "getDayOfWeek",
  "getDayOfYear",
  "getHours",
  "getMinutes",
  "getSeconds",
  "getMilliseconds",
]);

/** Methods that answer a bool: the receiver's and the argument's kinds. */
const BOOL_METHODS: Record<string, { receiver: CelStaticType["kind"]; argument: CelStaticType["kind"] }> = {
  contains: { receiver: "string", argument: "string" },
  startsWith: { receiver: "string", argument: "string" },
  endsWith: { receiver: "string", argument: "string" },
  matches: { receiver: "string", argument: "string" },
  // SpiceDB's additions: pkg/caveats/types/ipaddress.go and map.go.
  in_cidr: { receiver: "ipaddress", argument: "string" },
  isSubtreeOf: { receiver: "map", argument: "map" },
};

/**
 * Infers the type of a parsed CEL expression over the declared parameters, the way SpiceDB's
 * (cel-go's) checker refuses a caveat: an undeclared name, an operator applied to types it has
 * no overload for, a method the receiver does not have. SpiceDB's own additions are known:
 * `in_cidr` on `ipaddress` and `isSubtreeOf` on maps. `@bufbuild/cel` 0.6.1 ships a checker
 * that does not yet handle calls, so this covers the part of CEL caveats use. Where a type is
 * only known at run time (`any`, heterogeneous lists) it answers `dyn` and accepts.
 */
export function inferType(
  parsed: ParsedExpr,
  parameters: Scope,
): { type: CelStaticType; problems: TypeProblem[] } {
  const problems: TypeProblem[] = [];
  const positions = parsed.sourceInfo?.positions ?? {};
  const report = (expr: Expr, message: string): CelStaticType => {
    problems.push({ message, offset: positions[String(expr.id)] });
    return DYN;
  };
  const noOverload = (expr: Expr, fn: string, args: CelStaticType[], receiver?: CelStaticType) =>
    report(
      expr,
      `found no matching overload for '${fn}' applied to '${receiver ? `${formatStaticType(receiver)}.` : ""}(${args.map(formatStaticType).join(", ")})'`,
    );

  const infer = (expr: Expr | undefined, scope: Scope): CelStaticType => {
    if (expr === undefined) return DYN;
    const kind = expr.exprKind;
    switch (kind.case) {
      case "constExpr": {
        const c = kind.value.constantKind.case;
        if (c === "int64Value") return INT;
        if (c === "uint64Value") return { kind: "uint" };
        if (c === "doubleValue") return { kind: "double" };
        if (c === "stringValue") return STRING;
        if (c === "boolValue") return BOOL;
        if (c === "bytesValue") return { kind: "bytes" };
        if (c === "nullValue") return { kind: "null" };
        return DYN;
      }
      case "identExpr": {
        const found = scope.get(kind.value.name);
        if (found) return found;
        if (TYPE_NAMES.has(kind.value.name)) return { kind: "type" };
        return report(expr, `undeclared reference to '${kind.value.name}'`);
      }
      case "selectExpr": {
        const operand = infer(kind.value.operand, scope);
        if (kind.value.testOnly) return BOOL;
        if (operand.kind === "map") return operand.value;
        if (operand.kind === "dyn") return DYN;
        return report(
          expr,
          `type '${formatStaticType(operand)}' does not support field selection ('.${kind.value.field}')`,
        );
      }
      case "listExpr": {
        const elements = kind.value.elements.map((e) => infer(e, scope));
        return { kind: "list", element: joinTypes(elements) };
      }
      case "structExpr": {
        if (kind.value.messageName !== "")
          return report(expr, `messages (\`${kind.value.messageName}\`) are not available in caveats`);
        const keys: CelStaticType[] = [];
        const values: CelStaticType[] = [];
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === "mapKey") keys.push(infer(entry.keyKind.value, scope));
          values.push(infer(entry.value, scope));
        }
        return { kind: "map", key: joinTypes(keys), value: joinTypes(values) };
      }
      case "comprehensionExpr": {
        const c = kind.value;
        const range = infer(c.iterRange, scope);
        const element =
          range.kind === "list"
            ? range.element
            : range.kind === "map"
              ? range.key
              : range.kind === "dyn"
                ? DYN
                : undefined;
        if (element === undefined)
          return report(expr, `type '${formatStaticType(range)}' cannot be iterated over`);
        const inner = new Map(scope);
        inner.set(c.iterVar, element);
        if (c.iterVar2) inner.set(c.iterVar2, range.kind === "map" ? range.value : DYN);
        inner.set(c.accuVar, infer(c.accuInit, scope));
        infer(c.loopCondition, inner);
        infer(c.loopStep, inner);
        return infer(c.result, inner);
      }
      case "callExpr": {
        const call = kind.value;
        const receiver = call.target ? infer(call.target, scope) : undefined;
        const args = call.args.map((a) => infer(a, scope));
        return receiver === undefined
          ? inferFunction(expr, call.function, args)
          : inferMethod(expr, call.function, receiver, args);
      }
      default:
        return DYN;
    }
  };

  const inferFunction = (expr: Expr, fn: string, args: CelStaticType[]): CelStaticType => {
    const [a = DYN, b = DYN, c = DYN] = args;
    const isDyn = (t: CelStaticType) => t.kind === "dyn";
    switch (fn) {
      case "_&&_":
      case "_||_":
        if (args.every((t) => t.kind === "bool" || isDyn(t))) return BOOL;
        return noOverload(expr, fn, args);
      case "!_":
        return a.kind === "bool" || isDyn(a) ? BOOL : noOverload(expr, fn, args);
      case "@not_strictly_false":
      case "__not_strictly_false__":
        return BOOL;
      case "-_":
        return ["int", "double", "duration", "dyn"].includes(a.kind) ? a : noOverload(expr, fn, args);
      case "_==_":
      case "_!=_":
        // cel-go declares equality over one type (`1 == 1.0` does not check); `<` and the
        // other comparisons do have mixed numeric overloads.
        return isDyn(a) || isDyn(b) || a.kind === "null" || b.kind === "null" || a.kind === b.kind
          ? BOOL
          : noOverload(expr, fn, args);
      case "_<_":
      case "_<=_":
      case "_>_":
      case "_>=_":
        if (isDyn(a) || isDyn(b) || (NUMERIC.has(a.kind) && NUMERIC.has(b.kind))) return BOOL;
        return a.kind === b.kind && ["string", "bytes", "bool", "timestamp", "duration"].includes(a.kind)
          ? BOOL
          : noOverload(expr, fn, args);
      case "_+_":
      case "_-_":
      case "_*_":
      case "_/_":
      case "_%_":
        return arithmetic(expr, fn, a, b);
      case "_?_:_":
        if (a.kind !== "bool" && !isDyn(a)) return noOverload(expr, fn, args);
        return sameType(b, c) ? b : DYN;
      case "_[_]":
        if (a.kind === "list")
          return b.kind === "int" || b.kind === "uint" || isDyn(b) ? a.element : noOverload(expr, fn, args);
        if (a.kind === "map") return a.value;
        return isDyn(a) ? DYN : noOverload(expr, fn, args);
      case "@in":
      case "_in_":
        return b.kind === "list" || b.kind === "map" || isDyn(b) ? BOOL : noOverload(expr, fn, args);
      case "size":
        return ["string", "bytes", "list", "map", "dyn"].includes(a.kind) ? INT : noOverload(expr, fn, args);
      case "matches":
        return a.kind === "string" || isDyn(a) ? BOOL : noOverload(expr, fn, args);
      default: {
        const conversion = CONVERSIONS[fn];
        if (conversion && args.length === 1) return conversion;
        return report(expr, `undeclared reference to '${fn}'`);
      }
    }
  };

  const arithmetic = (expr: Expr, fn: string, a: CelStaticType, b: CelStaticType): CelStaticType => {
    if (a.kind === "dyn" || b.kind === "dyn") return a.kind === "dyn" ? (b.kind === "dyn" ? DYN : b) : a;
    const pair = `${a.kind},${b.kind}`;
    if (fn === "_%_")
      return a.kind === b.kind && (a.kind === "int" || a.kind === "uint") ? a : noOverload(expr, fn, [a, b]);
    if (a.kind === b.kind && NUMERIC.has(a.kind)) return a;
    if (fn === "_+_") {
      if (a.kind === b.kind && (a.kind === "string" || a.kind === "bytes" || a.kind === "duration")) return a;
      if (a.kind === "list" && b.kind === "list")
        return { kind: "list", element: joinTypes([a.element, b.element]) };
      if (pair === "timestamp,duration" || pair === "duration,timestamp") return { kind: "timestamp" };
    }
    if (fn === "_-_") {
      if (pair === "timestamp,timestamp" || pair === "duration,duration") return { kind: "duration" };
      if (pair === "timestamp,duration") return { kind: "timestamp" };
    }
    return noOverload(expr, fn, [a, b]);
  };

  const inferMethod = (
    expr: Expr,
    fn: string,
    receiver: CelStaticType,
    args: CelStaticType[],
  ): CelStaticType => {
    if (receiver.kind === "dyn") return fn === "size" ? INT : DYN;
    if (fn === "size" && args.length === 0) return inferFunction(expr, "size", [receiver]);
    const method = BOOL_METHODS[fn];
    const argument = args[0];
    if (
      method &&
      receiver.kind === method.receiver &&
      args.length === 1 &&
      (argument!.kind === method.argument || argument!.kind === "dyn")
    )
      return BOOL;
    if (TIME_ACCESSORS.has(fn) && (receiver.kind === "timestamp" || receiver.kind === "duration")) return INT;
    return noOverload(expr, fn, args, receiver);
  };

  const type = infer(parsed.expr, parameters);
  return { type, problems };
}

/** The type of a value that may come from any of `types`: theirs if they agree, else `dyn`. */
function joinTypes(types: readonly CelStaticType[]): CelStaticType {
  const first = types[0];
  if (first === undefined) return DYN;
  return types.every((t) => sameType(t, first)) ? first : DYN;
}
