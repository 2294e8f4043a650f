import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteOperations } from "../../src/cli/remote-operations.js";
import type { CheckRequest } from "../../src/engine/engine.js";
import { GatehouseError } from "../../src/model/errors.js";
import { parseCheckLines } from "../../src/service/tuple-lines.js";
import { BATCH_SCHEMA } from "../support/batch-schema.js";
import { type RunningServer, seedServer, startServer } from "../support/server.js";

// `permission check --batch` with `--server`: the checks go as lines (`/checks/text`), 10,000 a
// request, and a check the server refuses is named at its line of the local file, in any request.
describe("remote batch checks", () => {
  let s: RunningServer;
  let remote: RemoteOperations;

  beforeAll(async () => {
    s = await startServer(":memory:");
    const admin = await s.token("ops", "admin");
    await seedServer(s, {
      admin,
      schema: BATCH_SCHEMA,
      tenant: "acme",
      operation: "touch",
      relationships: [
        "document:a#viewer@user:ann",
        "document:b#viewer@group:eng#member",
        "group:eng#member@user:bob",
        "document:c#viewer@user:cy[on_day]",
      ],
    });
    remote = new RemoteOperations({ url: s.url, token: admin, from: "test" });
  });
  afterAll(async () => {
    await s.close();
  });

  const batch = (text: string) => {
    const { requests, lines } = parseCheckLines(text, "checks.txt");
    return { requests, placeOf: (i: number) => ({ file: "checks.txt", line: lines[i]! }) };
  };

  it("answers as the library does, across several requests", async () => {
    const kinds = [
      "document:a#view@user:ann",
      "document:b#view@user:bob",
      "document:a#view@user:bob",
      "document:b#view@group:eng#member",
    ];
    const text = Array.from({ length: 10_005 }, (_, i) => kinds[i % kinds.length]).join("\n");
    const { requests, placeOf } = batch(text);
    const answer = await remote.checkBatch("acme", requests, { placeOf });
    const local = await s.gatehouse.checkBatch("acme", requests);
    expect(answer.results).toEqual(local.results);
    expect(answer.revision).toBe(local.revision);
    expect(answer.schema).toEqual(local.schema);
  });

  it("names a refused check at its line of the file, in the first request or a later one", async () => {
    const refusedAt = async (text: string) => {
      const { requests, placeOf } = batch(text);
      const error = await remote.checkBatch("acme", requests, { placeOf }).catch((e) => e);
      expect(error).toBeInstanceOf(GatehouseError);
      return error as GatehouseError;
    };
    const early = await refusedAt("// checks\ndocument:a#view@user:ann\n\nfolder:x#view@user:ann\n");
    expect(early.place).toEqual({ file: "checks.txt", line: 4 });
    expect(early.message).toContain("folder");
    const good = Array.from({ length: 10_002 }, () => "document:a#view@user:ann");
    const late = await refusedAt(`${good.join("\n")}\ndocument:a#edit@user:ann\ndocument:a#view@user:ann`);
    expect(late.place).toEqual({ file: "checks.txt", line: 10_003 });
  });

  it("sends checks with caveat context, which a line cannot carry, as JSON", async () => {
    const request = (day: string): CheckRequest => ({
      resource: { type: "document", id: "c" },
      permission: "view",
      subject: { type: "user", id: "cy" },
      context: { day },
    });
    const answer = await remote.checkBatch("acme", [request("monday"), request("sunday")], {
      placeOf: (i) => ({ field: `checks[${i}]` }),
    });
    expect(answer.results).toEqual([true, false]);
  });
});
