import { join } from "node:path";
import { v1 } from "@authzed/authzed-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SCHEMA } from "../../src/demo/demo-data.js";
import { workspace } from "../support/cli.js";
import { clientOf, type ServeProcess, startServe, stopServe } from "./serve-process.js";

/** `gatehouse demo --serve` (what `npm start` runs) serves SpiceDB's gRPC API as `serve` does. */
describe("gatehouse demo --serve", () => {
  const space = workspace();
  let node: ServeProcess;

  beforeAll(async () => {
    node = await startServe(["--store", join(space.dir, "demo.db"), "demo", "--reset", "--serve"]);
  }, 60_000);
  afterAll(async () => {
    await stopServe(node);
  });

  it("answers the demo token over gRPC with the demo schema", async () => {
    const token = /token:\s+(gh_\S+)/.exec(node.stderr())?.[1];
    expect(token).toBeDefined();
    const client = clientOf(node, token as string);
    try {
      const schema = await client.promises.readSchema(v1.ReadSchemaRequest.create({}));
      expect(schema.schemaText).toBe(DEMO_SCHEMA);
    } finally {
      client.close();
    }
  });
});
