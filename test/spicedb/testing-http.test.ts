import { afterEach, describe, expect, it } from "vitest";
import { startTestingHttp, type TestingHttp } from "../../src/spicedb/testing-http.js";
import { TestingStores } from "../../src/spicedb/testing-stores.js";

describe("serve --testing's HTTP port", () => {
  let stores: TestingStores | undefined;
  let http: TestingHttp | undefined;
  afterEach(async () => {
    await http?.close();
    await stores?.close();
  });

  const call = (path: string, token: string, body?: unknown) =>
    fetch(`${http?.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("closes the least recently used token's HTTP API past its bound, and keeps its store", async () => {
    stores = new TestingStores();
    http = await startTestingHttp(stores, { host: "127.0.0.1", port: 0, logLevel: "silent", maxApis: 1 });
    const written = await call("/v1/schema/write", "one", { schema: "definition user {}" });
    expect(written.status).toBe(200);
    // Token two's API replaces token one's; one's store stays, and its API is built again.
    expect((await call("/v1/schema/read", "two", {})).status).toBe(404);
    const read = await call("/v1/schema/read", "one", {});
    expect(read.status).toBe(200);
    expect(((await read.json()) as { schemaText: string }).schemaText).toBe("definition user {}");
    expect(stores.size).toBe(2);
  });
});
