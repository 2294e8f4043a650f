import { afterEach, describe, expect, it } from "vitest";
import { IMPORT_MAX_BYTES } from "../../src/service/import-limits.js";
import { type RunningServer, startServer } from "../support/server.js";

const SCHEMA = `definition user {}
definition document {
  relation viewer: user
  permission view = viewer
}`;

describe("POST /v1/tenants/:tenant/import/stream", () => {
  let s: RunningServer | undefined;
  afterEach(async () => s?.close());

  const post = async (token: string, tenant: string, body: string) => {
    const response = await fetch(`${s!.url}/v1/tenants/${tenant}/import/stream`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it("imports a body bigger than the JSON route's limit, and a bad last line leaves nothing written", async () => {
    s = await startServer();
    await s.gatehouse.writeSchema(SCHEMA);
    const token = await s.token("loader", "write");
    // Long ids: past the JSON route's byte limit with few enough lines to stay quick.
    const pad = "x".repeat(1000);
    const lines: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes <= IMPORT_MAX_BYTES; i++) {
      const line = `document:${pad}${i}#viewer@user:u${i % 7}`;
      lines.push(line);
      bytes += line.length + 1;
    }
    const big = lines.join("\n");
    expect(big.length).toBeGreaterThan(IMPORT_MAX_BYTES);

    const bad = await post(token, "acme", `${big}\ndocument:z#viewer@usr:zed\n`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("unknown subject type `usr`");
    expect(bad.body.error.place).toMatchObject({ file: "body", line: lines.length + 1 });
    expect(await s.gatehouse.readRelationships("acme", {}, { limit: 1 })).toEqual([]);

    const good = await post(token, "acme", big);
    expect(good.status).toBe(200);
    expect(good.body.created).toBe(lines.length);
    expect((await s.gatehouse.revisionRecord(good.body.revision)).door).toBe("http");

    // The route is a door like the others: a check-only token may not write.
    const reader = await s.token("reader", "check");
    expect((await post(reader, "acme", "document:a#viewer@user:ann")).status).toBe(403);
  }, 120_000);
});
