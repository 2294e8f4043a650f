import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/server.js";

/**
 * What the router refuses before any route runs, and a body type no route takes: the API's one
 * error shape (`{ error: { kind, message, place } }`) naming the place, as every other 4xx.
 * Before, these were Fastify's own `{ error: "Bad Request", code: "FST_ERR_..." }` or a bare
 * "Unsupported Media Type".
 */
describe("HTTP errors about the URL and the body's type", () => {
  let s: RunningServer;
  let admin: string;

  beforeAll(async () => {
    s = await startServer();
    admin = await s.token("root", "admin");
  });
  afterAll(() => s.close());

  const raw = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${s.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${admin}`, ...(init.headers as Record<string, string>) },
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it("a `%` not followed by two hex digits names the URL", async () => {
    expect(await raw("/v1/tenants/ac%zzme/relationships")).toEqual({
      status: 400,
      body: {
        error: {
          kind: "input",
          message:
            "the URL's path is not valid: expected every `%` to be followed by two hex digits (percent-encoding)",
          place: { field: "url" },
        },
      },
    });
  });

  it("a path part longer than the router takes names the URL and the bound", async () => {
    const answer = await raw(`/v1/tenants/${"a".repeat(200)}/relationships`);
    expect(answer.status).toBe(414);
    expect(answer.body.error.kind).toBe("input");
    expect(answer.body.error.place).toEqual({ field: "url" });
    expect(answer.body.error.message).toContain("at most 100 characters");
  });

  it("a content-type no route takes names the header and what is expected", async () => {
    const answer = await raw("/v1/tenants/acme/check", {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: "<check/>",
    });
    expect(answer).toEqual({
      status: 415,
      body: {
        error: {
          kind: "input",
          message:
            "content-type `application/xml` is not taken here: expected application/json (a streamed import: text/plain)",
          place: { field: "content-type" },
        },
      },
    });
  });
});
