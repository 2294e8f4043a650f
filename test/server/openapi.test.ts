import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type GatehouseServer } from "../../src/server/server.js";
import { Gatehouse } from "../../src/service/gatehouse.js";

// Every operation in the API description names itself (`operationId`, for generated clients)
// and says what its 2xx answer holds: an object without properties (the old `Loose`) or no
// schema at all lets the serialiser and the client drift from what the route sends.
describe("the OpenAPI document", () => {
  let g: Gatehouse;
  let server: GatehouseServer;
  let doc: { paths: Record<string, Record<string, Operation>> };
  interface Operation {
    operationId?: string;
    responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  }
  interface Schema {
    type?: string;
    properties?: Record<string, unknown>;
    anyOf?: Schema[];
    oneOf?: Schema[];
    allOf?: Schema[];
    $ref?: string;
  }

  beforeAll(async () => {
    g = await Gatehouse.open(":memory:");
    server = await buildServer(g);
    doc = (await server.app.inject({ method: "GET", url: "/openapi.json" })).json();
  });
  afterAll(async () => {
    server.stopFollowing();
    await server.app.close();
    await g.close();
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );
  /** A schema says something: a $ref, a union of typed schemas, or an object with properties. */
  const typed = (schema: Schema | undefined): boolean => {
    if (!schema) return false;
    if (schema.$ref) return true;
    const alternatives = schema.anyOf ?? schema.oneOf ?? schema.allOf;
    if (alternatives) return alternatives.length > 0 && alternatives.every(typed);
    if (schema.type === "object" || schema.type === undefined)
      return Object.keys(schema.properties ?? {}).length > 0;
    return true;
  };

  it("has operations to walk", () => {
    expect(operations().length).toBeGreaterThan(40);
  });

  it("names every operation, each once", () => {
    const ids = operations().map(({ name, op }) => op.operationId ?? `(none: ${name})`);
    expect(ids.filter((id) => id.startsWith("(none"))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it("types every 2xx response and documents the error body", () => {
    const untyped: string[] = [];
    const withoutErrors: string[] = [];
    for (const { name, op } of operations()) {
      const responses = op.responses ?? {};
      const ok = Object.entries(responses).filter(([status]) => status.startsWith("2"));
      if (ok.length === 0 || !ok.every(([, r]) => typed(r.content?.["application/json"]?.schema)))
        untyped.push(name);
      if (
        !["400", "401", "403", "404", "409"].every((status) =>
          typed(responses[status]?.content?.["application/json"]?.schema),
        )
      )
        withoutErrors.push(name);
    }
    expect(untyped).toEqual([]);
    expect(withoutErrors).toEqual([]);
  });

  it("resolves every $ref it uses", () => {
    const refs = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object")
        for (const [key, inner] of Object.entries(value)) {
          if (key === "$ref" && typeof inner === "string") refs.add(inner);
          else walk(inner);
        }
    };
    walk(doc);
    const components =
      (doc as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {};
    const unresolved = [...refs].filter(
      (ref) => !(ref.startsWith("#/components/schemas/") && ref.slice(21) in components),
    );
    expect(unresolved).toEqual([]);
  });

  it("describes the text batch: a text/plain body, the consistency query, both answer forms and their headers", () => {
    const op = doc.paths["/v1/tenants/{tenant}/checks/text"]?.post as Operation & {
      parameters?: { in: string; name: string }[];
      requestBody?: { content?: Record<string, unknown> };
      responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
    };
    expect(op.operationId).toBe("checkBatchText");
    expect(Object.keys(op.requestBody?.content ?? {})).toEqual(["text/plain"]);
    expect(op.parameters?.filter((p) => p.in === "query").map((p) => p.name)).toEqual(["atLeastRevision"]);
    expect(Object.keys(op.responses["200"]?.content ?? {}).sort()).toEqual([
      "application/json",
      "text/plain",
    ]);
    expect(Object.keys(op.responses["200"]?.headers ?? {}).sort()).toEqual([
      "x-gatehouse-revision",
      "x-gatehouse-schema",
    ]);
  });

  it("fails on a loose schema", () => {
    expect(typed({ type: "object", properties: {} })).toBe(false);
    expect(typed({ anyOf: [{ type: "object", properties: { a: 1 } }, { type: "object" }] })).toBe(false);
  });
});
