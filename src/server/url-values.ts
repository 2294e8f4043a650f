import type { FastifyInstance } from "fastify";

/**
 * JSON bodies are validated as they are sent: `"permission": ["view"]` is not `view`, `123` is
 * not `"123"` and `"atLeastRevision": "5"` is not 5 (the validator coerces nothing). Values in
 * the URL (path and query string) can only be text, so where a route declares a number or a
 * boolean there, the text is read here, before validation, and only when it is exactly one:
 * `?limit=10` is 10, while `?limit=10abc`, `?limit= 10`, `?limit=1e3` or a repeated `?limit=`
 * stay text and are refused by the validator with a 400 naming the field.
 */
export function readUrlValues(app: FastifyInstance): void {
  app.addHook("preValidation", (request, _reply, done) => {
    const schema = request.routeOptions.schema as
      | { querystring?: ObjectSchema; params?: ObjectSchema }
      | undefined;
    if (schema?.querystring) readValues(request.query, schema.querystring);
    if (schema?.params) readValues(request.params, schema.params);
    done();
  });
}

interface ObjectSchema {
  readonly properties?: Readonly<Record<string, { readonly type?: unknown }>>;
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

function readValues(values: unknown, schema: ObjectSchema): void {
  if (values === null || typeof values !== "object" || !schema.properties) return;
  const record = values as Record<string, unknown>;
  for (const [name, property] of Object.entries(schema.properties)) {
    const text = record[name];
    if (typeof text !== "string") continue;
    if (property.type === "integer" && INTEGER.test(text) && Number.isSafeInteger(Number(text)))
      record[name] = Number(text);
    else if (property.type === "number" && NUMBER.test(text)) record[name] = Number(text);
    else if (property.type === "boolean" && (text === "true" || text === "false"))
      record[name] = text === "true";
  }
}
