import { v1 } from "@authzed/authzed-node";
import { Metadata } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rel, type SpicedbDoorUnderTest, startDoor, touch } from "../spicedb/grpc-server.js";

/**
 * A caller's `x-request-id` is recorded with its writes (revisions, the audit log) when it is a
 * plain id; one of kilobytes or with bytes outside printable ASCII is replaced by a fresh id,
 * which the answer's `x-request-id` names. Before, any header value was recorded as it came
 * (12,000 characters in every revision record of the write, by any token that may write).
 */
describe("the request id a write is recorded under", () => {
  let door: SpicedbDoorUnderTest;
  let token: string;

  beforeAll(async () => {
    door = await startDoor();
    token = await door.http.token("writer", "admin");
    await door.http.gatehouse.writeSchema(
      "definition user {}\ndefinition document {\n  relation viewer: user\n}",
    );
  });
  afterAll(() => door.close());

  const write = async (requestId: string, id: string) => {
    const response = await fetch(`${door.http.url}/v1/tenants/acme/relationships`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "x-request-id": requestId,
      },
      body: JSON.stringify({
        updates: [{ operation: "touch", relationship: `document:${id}#viewer@user:ann` }],
      }),
    });
    const body = (await response.json()) as { revision: number };
    const record = await door.http.gatehouse.revisionRecord(body.revision);
    return { answered: response.headers.get("x-request-id"), recorded: record.requestId };
  };

  it("over HTTP: a plain id is kept, a long one is replaced and the answer says by what", async () => {
    expect(await write("req-42:a.b", "a")).toEqual({ answered: "req-42:a.b", recorded: "req-42:a.b" });
    const long = await write("r".repeat(12_000), "b");
    expect(long.recorded).not.toContain("rrrr");
    expect(long.recorded!.length).toBeLessThanOrEqual(128);
    expect(long.answered).toBe(long.recorded);
  });

  it("over gRPC: the same rule for the `x-request-id` metadata", async () => {
    const client = door.client(token);
    const send = async (requestId: string, id: string) => {
      const metadata = new Metadata();
      metadata.set("x-request-id", requestId);
      metadata.set("gatehouse-tenant", "acme");
      await client.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({
          updates: [touch(rel(`document:${id}`, "viewer", "user:ann"))],
        }),
        metadata,
      );
      const [latest] = await door.http.gatehouse.listRevisions({ limit: 1 });
      return { recorded: latest!.requestId };
    };
    expect((await send("grpc-7", "c")).recorded).toBe("grpc-7");
    const long = await send("g".repeat(5_000), "d");
    expect(long.recorded).not.toContain("gggg");
    expect(long.recorded!.length).toBeLessThanOrEqual(128);
  });
});
