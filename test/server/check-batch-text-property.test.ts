import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_SCHEMA } from "../support/batch-schema.js";
import { type RunningServer, startServer } from "../support/server.js";

// For any data and any batch, `POST /checks/text` answers exactly as `POST /checks` does (its
// `Accept: application/json` answer is the same object, and its lines say the same), and a batch
// with bad items is refused by both with a 400 and nothing answered, the text door naming each
// bad line: every malformed one, or when all parse, every one naming an unknown permission.

const users = ["ann", "bob", "cy", "*"];
const groups = ["eng", "ops"];
const docs = ["a", "b", "c"];

const relationship = fc.oneof(
  fc
    .tuple(fc.constantFrom(...docs), fc.constantFrom("viewer", "editor"), fc.constantFrom("ann", "bob", "cy"))
    .map(([d, r, u]) => `document:${d}#${r}@user:${u}`),
  fc.constantFrom(...docs).map((d) => `document:${d}#viewer@user:*`),
  fc.constantFrom(...docs).map((d) => `document:${d}#viewer@user:bob[on_day]`),
  fc
    .tuple(fc.constantFrom(...docs), fc.constantFrom(...groups))
    .map(([d, g]) => `document:${d}#viewer@group:${g}#member`),
  fc
    .tuple(fc.constantFrom(...groups), fc.constantFrom("ann", "bob", "cy"))
    .map(([g, u]) => `group:${g}#member@user:${u}`),
  fc
    .tuple(fc.constantFrom(...groups), fc.constantFrom(...groups))
    .map(([g, h]) => `group:${g}#member@group:${h}#member`),
);

interface Item {
  resource: string;
  permission: string;
  subject: string;
  /** How the item is bad, if it is. */
  bad?: "syntax" | "schema";
}

const goodItem: fc.Arbitrary<Item> = fc
  .record({
    resource: fc.constantFrom(...docs.map((d) => `document:${d}`), "document:zz", "group:eng"),
    permission: fc.constantFrom("view", "viewer", "editor", "member"),
    subject: fc.oneof(
      fc.constantFrom(...users).map((u) => `user:${u}`),
      fc.constantFrom(...groups).map((g) => `group:${g}#member`),
    ),
  })
  .filter((item) => item.resource.startsWith("document:") !== (item.permission === "member"));

const badItem: fc.Arbitrary<Item> = fc.constantFrom<Item>(
  { resource: "Document:a", permission: "view", subject: "user:ann", bad: "syntax" },
  { resource: "document:a b", permission: "view", subject: "user:ann", bad: "syntax" },
  { resource: "document:a", permission: "view", subject: "user", bad: "syntax" },
  { resource: "document:a", permission: "view", subject: "user:ann#Member", bad: "syntax" },
  { resource: "document:a", permission: "edit", subject: "user:ann", bad: "schema" },
  { resource: "folder:a", permission: "view", subject: "user:ann", bad: "schema" },
);

const line = (item: Item) => `${item.resource}#${item.permission}@${item.subject}`;

describe("the text batch door against the JSON door (property)", () => {
  let s: RunningServer;
  let writer: string;
  let tenants = 0;

  beforeAll(async () => {
    s = await startServer(":memory:");
    const admin = await s.token("root", "admin");
    writer = await s.token("app", "write");
    expect((await s.call("PUT", "/v1/schema", { token: admin, body: { schema: BATCH_SCHEMA } })).status).toBe(
      200,
    );
  });
  afterAll(async () => {
    await s.close();
  });

  const text = async (tenant: string, body: string) => {
    const response = await fetch(`${s.url}/v1/tenants/${tenant}/checks/text`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${writer}`,
        "content-type": "text/plain",
        accept: "application/json",
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it("answers as /checks does, and refuses what it refuses, naming the lines", async () => {
    await fc.assert(
      fc.asyncProperty(
        // One write may not name a relationship twice, caveat or not.
        fc.uniqueArray(relationship, { maxLength: 15, selector: (r) => r.replace(/\[.*\]$/, "") }),
        // At most 20 bad items: past that the text door names the first 20 and counts the rest.
        fc
          .array(fc.oneof({ weight: 9, arbitrary: goodItem }, { weight: 1, arbitrary: badItem }), {
            maxLength: 40,
          })
          .filter((items) => items.filter((item) => item.bad).length <= 20),
        async (relationships, items) => {
          const tenant = `t${++tenants}`;
          if (relationships.length > 0) {
            const updates = relationships.map((r) => ({ operation: "touch", relationship: r }));
            const written = await s.call("POST", `/v1/tenants/${tenant}/relationships`, {
              token: writer,
              body: { updates },
            });
            expect(written.status).toBe(200);
          }
          const checks = items.map(({ resource, permission, subject }) => ({
            resource,
            permission,
            subject,
          }));
          const json = await s.call("POST", `/v1/tenants/${tenant}/checks`, {
            token: writer,
            body: { checks },
          });
          const lines = await text(tenant, items.map(line).join("\n"));
          expect(lines.status).toBe(json.status);
          if (!items.some((item) => item.bad)) {
            expect(lines.body).toEqual(json.body);
            return;
          }
          expect(lines.status).toBe(400);
          expect(lines.body.results).toBeUndefined();
          const kind = items.some((item) => item.bad === "syntax") ? "syntax" : "schema";
          const named = items.flatMap((item, i) => (item.bad === kind ? [i + 1] : []));
          const error = lines.body.error as {
            place: { line: number };
            details?: { place: { line: number } }[];
          };
          expect(error.details ? error.details.map((d) => d.place.line) : [error.place.line]).toEqual(named);
        },
      ),
      { numRuns: 40 },
    );
  });
});
