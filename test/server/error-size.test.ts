import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServerWithSchema } from "../support/server.js";

const SCHEMA =
  "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}";

/**
 * An error answer quotes what it refuses. Before, a line with an id of a megabyte was answered
 * with three megabytes (the id, the subject, the snippet), five such lines of an import with
 * sixteen: the answer cost the server (and the client) three times the request.
 */
describe("error answers quote long input cut", () => {
  let s: RunningServer;
  let admin: string;
  beforeAll(async () => {
    ({ s, admin } = await startServerWithSchema(SCHEMA));
  });
  afterAll(() => s.close());

  const post = (path: string, body: string, type: string) => s.post(path, { token: admin, body, type });
  const id = "a".repeat(1_000_000);

  it("a check line with an id of a megabyte: a short answer that says how long it was", async () => {
    const answer = await post("/v1/tenants/acme/checks/text", `document:d#view@user:${id}\n`, "text/plain");
    expect(answer.status).toBe(400);
    expect(answer.text.length).toBeLessThan(2_000);
    const error = JSON.parse(answer.text).error;
    expect(error.message).toBe(
      `invalid object id \`${"a".repeat(200)}…\` (1,000,000 characters) in subject \`user:${"a".repeat(195)}…\` (1,000,005 characters): expected 1 to 1024 letters, digits or \`/_|-=+\``,
    );
    expect(error.place.snippet).toBe(`document:d#view@user:${"a".repeat(179)}… (1,000,021 characters)`);
    expect(error.place.line).toBe(1);
  });

  it("an import of such lines: every detail cut", async () => {
    const answer = await post(
      "/v1/tenants/acme/import",
      JSON.stringify({ relationships: `document:${id}#viewer@user:ann\n`.repeat(5) }),
      "application/json",
    );
    expect(answer.status).toBe(400);
    expect(answer.text.length).toBeLessThan(10_000);
    expect(JSON.parse(answer.text).error.details).toHaveLength(5);
  });

  it("a short value is quoted whole, as before", async () => {
    const answer = await post("/v1/tenants/acme/checks/text", "document:d#view@user:a!b\n", "text/plain");
    expect(JSON.parse(answer.text).error.message).toBe(
      "invalid object id `a!b` in subject `user:a!b`: expected 1 to 1024 letters, digits or `/_|-=+`",
    );
  });
});
