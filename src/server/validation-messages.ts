import type { FastifyRequest } from "fastify";

/** One failure of request validation, as the validator (Ajv, through Fastify) reports it. */
interface ValidationFailure {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string | undefined;
}

/** A JSON Schema as TypeBox writes it: just the parts followed to find a field's expectation. */
interface SchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly const?: unknown;
}

type Context = "body" | "querystring" | "params" | "headers";

/**
 * A request that failed validation, said for a person: the field (`body.checks[2].subject`),
 * what is wrong with it, and what was expected (from the route's schema: its description,
 * its allowed values, its bounds), instead of the validator's `must have required property`.
 */
export function validationMessage(
  failures: readonly ValidationFailure[],
  context: string | undefined,
  request: FastifyRequest,
): { field: string; message: string } {
  // A union (`create` | `touch` | `delete`) fails each branch, then as a whole: say the whole.
  const first = failures.find((f) => f.keyword === "anyOf") ?? failures[0];
  const segments = first ? pathSegments(first.instancePath) : [];
  if (first?.keyword === "required") segments.push(String(first.params.missingProperty));
  const field = formatField(context, segments);
  const schema = schemaAt(request, context, segments);
  const quoted = field ? `\`${field}\`` : "the request";
  const expected = schema?.description ? `; expected ${schema.description}` : "";
  if (!first) return { field, message: `${quoted} is invalid` };
  const limit = first.params.limit;
  const value = () => valueAt(request, context, segments);
  switch (first.keyword) {
    case "required":
      return { field, message: `${quoted}: required${expected}` };
    case "additionalProperties": {
      const unknown = String(first.params.additionalProperty);
      const known = Object.keys(schema?.properties ?? {});
      return {
        field: formatField(context, [...segments, unknown]),
        message: `\`${formatField(context, [...segments, unknown])}\`: unknown field${known.length ? `; expected only ${known.map((k) => `\`${k}\``).join(", ")}` : ""}`,
      };
    }
    case "type":
      return {
        field,
        message: `${quoted}: expected ${article(String(first.params.type))}${schema?.description ? ` (${schema.description})` : ""}, got ${describeValue(value())}`,
      };
    case "anyOf":
    case "const":
    case "enum": {
      const allowed = allowedValues(failures, first.instancePath, schema);
      return {
        field,
        message: allowed.length
          ? `${quoted}: expected one of ${allowed.map((v) => `\`${String(v)}\``).join(", ")}, got ${describeValue(value())}`
          : `${quoted}: not one of the allowed values${expected}`,
      };
    }
    case "minLength":
      return {
        field,
        message: `${quoted}: ${limit === 1 ? "must not be empty" : `expected at least ${limit} characters`}${expected}`,
      };
    case "maxLength":
      return { field, message: `${quoted}: too long, expected at most ${limit} characters` };
    case "minimum":
      return { field, message: `${quoted}: expected ${limit} or more, got ${describeValue(value())}` };
    case "maximum":
      return { field, message: `${quoted}: expected ${limit} or less, got ${describeValue(value())}` };
    case "minItems":
      return { field, message: `${quoted}: expected at least ${limit} item${limit === 1 ? "" : "s"}` };
    case "maxItems":
      return {
        field,
        message: `${quoted}: too many items, expected at most ${Number(limit).toLocaleString("en")}`,
      };
    case "pattern":
    case "format":
      return { field, message: `${quoted}: not in the expected form${expected}` };
    default:
      return { field, message: `${quoted}: ${first.message ?? "is invalid"}${expected}` };
  }
}

/** `/checks/0/resource` as segments: `checks`, `0`, `resource` (JSON Pointer escapes undone). */
function pathSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** `body.checks[0].resource`: the request part, then the path, items as indexes. */
function formatField(context: string | undefined, segments: readonly string[]): string {
  let field = context ?? "";
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) field += `[${segment}]`;
    else field += field === "" ? segment : `.${segment}`;
  }
  return field;
}

/** The route's schema for a field, followed through objects, arrays and optional unions. */
function schemaAt(
  request: FastifyRequest,
  context: string | undefined,
  segments: readonly string[],
): SchemaNode | undefined {
  const schemas = request.routeOptions.schema as Partial<Record<Context, SchemaNode>> | undefined;
  let node: SchemaNode | undefined = context ? schemas?.[context as Context] : undefined;
  for (const segment of segments) {
    node = objectBranch(node);
    if (!node) return undefined;
    node = /^\d+$/.test(segment) && node.items ? node.items : node.properties?.[segment];
  }
  return node;
}

/** An optional body is a union of an object and nothing: the object is what has fields. */
function objectBranch(node: SchemaNode | undefined): SchemaNode | undefined {
  if (!node?.anyOf || node.properties || node.items) return node;
  return node.anyOf.find((branch) => branch.properties || branch.items) ?? node;
}

function valueAt(request: FastifyRequest, context: string | undefined, segments: readonly string[]): unknown {
  const parts: Record<string, unknown> = {
    body: request.body,
    querystring: request.query,
    params: request.params,
    headers: request.headers,
  };
  let value: unknown = context ? parts[context] : undefined;
  for (const segment of segments) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** The values a union of constants allows: from the failures of its branches, else its schema. */
function allowedValues(
  failures: readonly ValidationFailure[],
  path: string,
  schema: SchemaNode | undefined,
): unknown[] {
  const fromFailures = failures
    .filter((f) => f.instancePath === path && (f.keyword === "const" || f.keyword === "enum"))
    .flatMap((f) =>
      f.keyword === "const" ? [f.params.allowedValue] : ((f.params.allowedValues as unknown[]) ?? []),
    );
  if (fromFailures.length > 0) return fromFailures;
  return (schema?.anyOf ?? []).filter((b) => "const" in b).map((b) => b.const);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A value as a message may quote it: short, and its JSON type when it is not a plain value. */
function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return `${typeof value === "string" ? "" : `${typeof value} `}\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\``;
}
