import { type ChildProcess, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { v1 } from "@authzed/authzed-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenSecret, workspace } from "../support/cli.js";
import { obj, rel, subj, touch } from "./grpc-server.js";
import { startServe, stopServe } from "./serve-process.js";

/**
 * `gatehouse serve --grpc-port 0` as a user runs it: two processes on one SQLite file, each with
 * its SpiceDB door; a ZedToken from a write through one is read-your-writes through the other.
 */
const startNode = (store: string, extra: string[] = []) => startServe(["--store", store, "serve", ...extra]);
const stop = stopServe;

const SCHEMA =
  "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}\n";

describe("gatehouse serve with the SpiceDB door", () => {
  const space = workspace();
  let a: { process: ChildProcess; grpc: string };
  let b: { process: ChildProcess; grpc: string };
  let token: string;

  beforeAll(async () => {
    token = createTokenSecret(space.store, "app", "admin");
    a = await startNode(space.store);
    b = await startNode(space.store);
  }, 60_000);
  afterAll(async () => {
    await stop(a);
    await stop(b);
  });

  it("reads its own writes across two processes with the ZedToken the write returned", async () => {
    const onA = v1.NewClient(token, a.grpc, v1.ClientSecurity.INSECURE_PLAINTEXT_CREDENTIALS);
    const onB = v1.NewClient(token, b.grpc, v1.ClientSecurity.INSECURE_PLAINTEXT_CREDENTIALS);
    try {
      await onA.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
      const written = await onA.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({
          updates: [touch(rel("document:readme", "viewer", "user:ann"))],
        }),
      );
      const answer = await onB.promises.checkPermission(
        v1.CheckPermissionRequest.create({
          resource: obj("document", "readme"),
          permission: "view",
          subject: subj("user", "ann"),
          consistency: v1.Consistency.create({
            requirement: { oneofKind: "atLeastAsFresh", atLeastAsFresh: written.writtenAt as v1.ZedToken },
          }),
        }),
      );
      expect(answer.permissionship).toBe(v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION);
      expect(answer.checkedAt?.token).toBe(written.writtenAt?.token);
    } finally {
      onA.close();
      onB.close();
    }
  });

  it("serves TLS with --grpc-tls-cert and --grpc-tls-key", async () => {
    const key = join(space.dir, "key.pem");
    const cert = join(space.dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    const node = await startNode(space.store, ["--grpc-tls-cert", cert, "--grpc-tls-key", key]);
    const client = v1.NewClientWithCustomCert(token, node.grpc, readFileSync(cert));
    try {
      const schema = await client.promises.readSchema(v1.ReadSchemaRequest.create());
      expect(schema.schemaText).toBe(SCHEMA);
    } finally {
      client.close();
      await stop(node);
    }
  }, 30_000);
});
