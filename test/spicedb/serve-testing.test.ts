import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { v1 } from "@authzed/authzed-node";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatehouse } from "../support/cli.js";
import { codeOf, rel, touch } from "./grpc-server.js";
import { NARROWER_SCHEMA, TOUR_SCHEMA, tourEveryRpc } from "./rpc-tour.js";
import { clientOf, type ServeProcess, startServe, stopServe } from "./serve-process.js";

/** `gatehouse serve --testing` as a client test suite starts it: from dist, in a directory of its own. */
describe("gatehouse serve --testing", () => {
  const cwd = mkdtempSync(join(tmpdir(), "gatehouse-serve-testing-"));
  let node: ServeProcess;
  const clients: Array<ReturnType<typeof v1.NewClient>> = [];
  const client = (token: string) => {
    const c = clientOf(node, token);
    clients.push(c);
    return c;
  };
  const http = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${node.http}${path}`, {
      ...init,
      headers: {
        "content-type": "application/json",
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
    });

  beforeAll(async () => {
    node = await startServe(["serve", "--testing"], { cwd });
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await stopServe(node);
  });

  it("says it is a testing server", () => {
    expect(node.stderr()).toMatch(/TESTING server/);
    expect(node.stderr()).toMatch(/each distinct token is its own empty in-memory store/);
  });

  it("serves every RPC to the unmodified client on a token's fresh store", async () => {
    await tourEveryRpc(client("any-secret-a-suite-picks"), { testing: true });
  });

  it("holds back a schema write that fails a guard the test wrote, and applies it on a token without guards", async () => {
    const guarded = client("suite-schema-guard");
    await guarded.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: TOUR_SCHEMA }));
    await guarded.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [touch(rel("tour/document:plan", "viewer", "tour/user:bob"))],
      }),
    );
    const guards = "guards:\n  - name: model-keeps-access\n    kind: max-loss\n    subjects: 0\n";
    const put = await http("/v1/guards", {
      method: "PUT",
      body: JSON.stringify({ guards }),
      token: "suite-schema-guard",
    });
    expect(put.status).toBe(200);
    const held = await codeOf(
      guarded.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: NARROWER_SCHEMA })),
    );
    expect(held?.code).toBe(status.FAILED_PRECONDITION);
    expect(held?.details).toMatch(/model-keeps-access/);
    expect((await guarded.promises.readSchema(v1.ReadSchemaRequest.create({}))).schemaText).toBe(TOUR_SCHEMA);
  });

  it("gives each token its own empty store: schema, relationships and guards", async () => {
    const one = client("suite-one");
    const two = client("suite-two");
    await one.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: TOUR_SCHEMA }));
    await one.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [touch(rel("tour/document:a", "viewer", "tour/user:ann"))],
      }),
    );
    expect((await codeOf(two.promises.readSchema(v1.ReadSchemaRequest.create({}))))?.code).toBe(
      status.NOT_FOUND,
    );
    await two.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: TOUR_SCHEMA }));
    const read = await two.promises.readRelationships(
      v1.ReadRelationshipsRequest.create({
        relationshipFilter: v1.RelationshipFilter.create({ resourceType: "tour/document" }),
        consistency: v1.Consistency.create({
          requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
        }),
      }),
    );
    expect(read).toEqual([]);

    // The HTTP API and the HTTP gateway reach the same store as the token's gRPC calls.
    const schema = await http("/v1/schema/read", { method: "POST", body: "{}", token: "suite-one" });
    expect(schema.status).toBe(200);
    expect(((await schema.json()) as { schemaText: string }).schemaText).toBe(TOUR_SCHEMA);
    const guards = await http("/v1/guards", { token: "suite-two" });
    expect(guards.status).toBe(200);
    expect(((await guards.json()) as { text: string }).text).toBe("guards: []\n");
  });

  it("holds a token's writes to the guards that token wrote, and only to those", async () => {
    const guarded = client("suite-with-guards");
    await guarded.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: TOUR_SCHEMA }));
    const viewer = rel("tour/document:g", "viewer", "tour/user:ann");
    await guarded.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({ updates: [touch(viewer)] }),
    );
    const guards = "guards:\n  - name: no-loss\n    kind: direct-writes\n    max-loss: 0\n";
    const put = await http("/v1/guards", {
      method: "PUT",
      body: JSON.stringify({ guards }),
      token: "suite-with-guards",
    });
    expect(put.status).toBe(200);
    const refused = await codeOf(
      guarded.promises.deleteRelationships(
        v1.DeleteRelationshipsRequest.create({
          relationshipFilter: v1.RelationshipFilter.create({ resourceType: "tour/document" }),
        }),
      ),
    );
    expect(refused?.code).toBe(status.FAILED_PRECONDITION);
    expect(refused?.details).toMatch(/no-loss/);
    // Another token's store has no guard: the same delete goes through there.
    const free = client("suite-without-guards");
    await free.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: TOUR_SCHEMA }));
    await free.promises.writeRelationships(v1.WriteRelationshipsRequest.create({ updates: [touch(viewer)] }));
    const deleted = await free.promises.deleteRelationships(
      v1.DeleteRelationshipsRequest.create({
        relationshipFilter: v1.RelationshipFilter.create({ resourceType: "tour/document" }),
      }),
    );
    expect(deleted.relationshipsDeletedCount).toBe("1");
  });

  it("answers 401 without a token, saying how testing tokens work", async () => {
    const response = await http("/v1/schema/read", { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /each distinct secret is its own empty in-memory store/,
    );
    expect((await codeOf(client("").promises.readSchema(v1.ReadSchemaRequest.create({}))))?.code).toBe(
      status.UNAUTHENTICATED,
    );
  });

  it("writes nothing to disk", () => {
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("refuses --store and --workers, which do not apply, naming what to leave out", () => {
    const store = gatehouse(["--store", join(cwd, "x.db"), "serve", "--testing", "--port", "0"]);
    expect(store.code).toBe(2);
    expect(store.stderr).toMatch(/leave out --store/);
    const workers = gatehouse(["serve", "--testing", "--workers", "2", "--port", "0"]);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toMatch(/leave out --workers/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
