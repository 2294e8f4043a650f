import type { CelEnv } from "@bufbuild/cel";
import type { CaveatAst, Span } from "../ast.js";
import { advanceBy } from "../position.js";
import { cel } from "./cel-runtime.js";
import { type CelStaticType, formatStaticType, staticTypeOf } from "./cel-types.js";
import { inCidrMethod } from "./ipaddress.js";
import { isSubtreeOfMethod } from "./map-subtree.js";
import { type ParameterType, parameterTypeOf } from "./parameter-type.js";
import { type PartialNode, planPartial } from "./partial.js";
import { inferType } from "./type-check.js";

/** A caveat ready to evaluate: its parameters' types and its expression, parsed and planned once. */
export interface CompiledCaveat {
  readonly name: string;
  readonly parameters: ReadonlyMap<string, ParameterType>;
  /** The CEL text as written (for explain and plans). */
  readonly expression: string;
  /** The expression planned for partial evaluation (see `evaluateCaveat`). */
  readonly planned: PartialNode;
}

export interface CaveatProblem {
  readonly message: string;
  readonly span: Span;
}

let env: CelEnv | undefined;
/** The CEL environment with SpiceDB's functions, made when the first caveat is compiled. */
function caveatEnv(): CelEnv {
  env ??= cel().celEnv({ funcs: [inCidrMethod(), isSubtreeOfMethod()] });
  return env;
}

/**
 * Checks a caveat definition and compiles it, with SpiceDB's rules and messages: at least one
 * parameter, no parameter twice, known parameter types, and a CEL expression that parses,
 * names only its parameters, applies operators to types that have them, and yields a bool.
 */
export function compileCaveat(ast: CaveatAst): {
  caveat: CompiledCaveat | undefined;
  problems: CaveatProblem[];
} {
  const problems: CaveatProblem[] = [];
  const parameters = new Map<string, ParameterType>();
  if (ast.parameters.length === 0)
    problems.push({
      message: `caveat \`${ast.name}\` must have at least one parameter defined`,
      span: ast.nameSpan,
    });
  for (const parameter of ast.parameters) {
    if (parameters.has(parameter.name)) {
      problems.push({
        message: `duplicate parameter \`${parameter.name}\` defined on caveat \`${ast.name}\``,
        span: parameter.span,
      });
      continue;
    }
    const type = parameterTypeOf(parameter.type);
    if (typeof type === "string") {
      problems.push({
        message: `invalid type for caveat parameter \`${parameter.name}\` on caveat \`${ast.name}\`: ${type}`,
        span: parameter.type.span,
      });
      continue;
    }
    parameters.set(parameter.name, type);
  }

  const invalid = (message: string, offset = 0) =>
    problems.push({
      message: `invalid expression for caveat \`${ast.name}\`: ${message}`,
      span: spanAt(ast, offset),
    });
  let parsed: ReturnType<ReturnType<typeof cel>["parse"]>;
  try {
    parsed = cel().parse(ast.expression);
  } catch (error) {
    // `<input>:2:5: found ...`: the place inside the expression, made a place in the schema.
    const message = (error as Error).message;
    const at = /^<input>:(\d+):(\d+): (.*)$/s.exec(message);
    const lines = ast.expression.split("\n");
    const offset = at
      ? lines.slice(0, Number(at[1]) - 1).reduce((sum, line) => sum + line.length + 1, 0) + Number(at[2]) - 1
      : 0;
    invalid(at ? `CEL syntax: ${at[3]}` : message, Math.min(offset, ast.expression.length));
    return { caveat: undefined, problems };
  }
  const scope = new Map<string, CelStaticType>(
    [...parameters].map(([name, type]) => [name, staticTypeOf(type)]),
  );
  const { type, problems: typeProblems } = inferType(parsed, scope);
  for (const problem of typeProblems) invalid(problem.message, problem.offset);
  if (typeProblems.length === 0 && type.kind !== "bool" && type.kind !== "dyn")
    invalid(`caveat expression must result in a boolean value: found \`${formatStaticType(type)}\``);
  if (problems.length > 0) return { caveat: undefined, problems };
  if (!parsed.expr) return { caveat: undefined, problems };
  return {
    caveat: {
      name: ast.name,
      parameters,
      expression: ast.expression,
      planned: planPartial(caveatEnv(), parsed.expr, new Set(parameters.keys())),
    },
    problems,
  };
}

function spanAt(ast: CaveatAst, offset: number): Span {
  const start = advanceBy(ast.expressionSpan.start, ast.expression.slice(0, offset));
  return { start, end: ast.expressionSpan.end };
}
