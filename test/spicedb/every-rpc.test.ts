import { v1 } from "@authzed/authzed-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenSecret, workspace } from "../support/cli.js";
import { type PostgresTarget, postgresUrlForTest } from "../support/postgres.js";
import { rel, touch } from "./grpc-server.js";
import { fresh, TOUR_SCHEMA, tourEveryRpc, watchSees } from "./rpc-tour.js";
import { clientOf, type ServeProcess, startServe, stopServe } from "./serve-process.js";

const HAS = v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION;

/** `gatehouse serve` from dist as users start it, on SQLite and on PostgreSQL, through the unmodified client. */
describe("gatehouse serve on SQLite: every RPC through the unmodified client", () => {
  const space = workspace();
  let node: ServeProcess;
  let token: string;

  beforeAll(async () => {
    token = createTokenSecret(space.store, "app", "admin");
    node = await startServe(["--store", space.store, "serve"]);
  }, 60_000);
  afterAll(async () => {
    await stopServe(node);
  });

  it("serves every RPC of the SpiceDB API", async () => {
    const client = clientOf(node, token);
    try {
      await tourEveryRpc(client);
    } finally {
      client.close();
    }
  });

  it("refuses a gateway call without a token with 401 before reading its body", async () => {
    const response = await fetch(`${node.http}/v1/permissions/check`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ this is not JSON",
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: number }).code).toBe(16);
  });
});

describe("gatehouse serve on PostgreSQL: every RPC, and two processes on one store", () => {
  let target: PostgresTarget;
  let a: ServeProcess | undefined;
  let b: ServeProcess | undefined;
  let token: string;

  beforeAll(async () => {
    target = await postgresUrlForTest("grpc_every_rpc");
    if (target.skip || !target.url) return;
    token = createTokenSecret(target.url, "app", "admin");
    a = await startServe(["--store", target.url, "serve"]);
    b = await startServe(["--store", target.url, "serve"]);
  }, 90_000);
  afterAll(async () => {
    await stopServe(a);
    await stopServe(b);
    await target?.drop?.();
  });

  it("serves every RPC of the SpiceDB API", async (context) => {
    if (!a) return context.skip();
    const client = clientOf(a, token);
    try {
      await tourEveryRpc(client);
    } finally {
      client.close();
    }
  });

  it("reads its own writes through another process with the write's ZedToken, and Watch there sees the write", async (context) => {
    if (!a || !b) return context.skip();
    const onA = clientOf(a, token);
    const onB = clientOf(b, token);
    try {
      // The same schema as the tour's (written again: a no-op after it, needed when this test runs alone).
      await onA.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: TOUR_SCHEMA }));
      const written = await onA.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({
          updates: [touch(rel("tour/document:two", "viewer", "tour/user:kim"))],
        }),
      );
      const { resource, subject } = rel("tour/document:two", "viewer", "tour/user:kim");
      const answer = await onB.promises.checkPermission(
        v1.CheckPermissionRequest.create({
          resource,
          subject,
          permission: "view",
          consistency: fresh(written.writtenAt),
        }),
      );
      expect(answer.permissionship).toBe(HAS);
      expect(answer.checkedAt?.token).toBe(written.writtenAt?.token);

      await watchSees(
        onB,
        written.writtenAt,
        async () => {
          await onA.promises.writeRelationships(
            v1.WriteRelationshipsRequest.create({
              updates: [touch(rel("tour/document:two", "viewer", "tour/user:lee"))],
            }),
          );
        },
        "touch tour/document:two#viewer@tour/user:lee",
      );
    } finally {
      onA.close();
      onB.close();
    }
  });
});
