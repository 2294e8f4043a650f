import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, createTokenSecret, gatehouse, workspace } from "../support/cli.js";

/**
 * `gatehouse serve --workers 2` on a SQLite file, as a user starts it: one port, two worker
 * processes behind it (node:cluster). Every request here opens its own connection (no keep-alive),
 * so the primary hands consecutive requests to different workers.
 */

interface Reply {
  readonly status: number;
  readonly body: any;
  readonly text: string;
}

/** One request on a connection of its own. */
function call(url: string, method: string, path: string, token?: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        agent: false,
        headers: {
          connection: "close",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** pids of the workers that logged "Server listening", in order. */
const listeningPids = (log: string) =>
  log
    .split("\n")
    .filter((line) => line.includes("Server listening"))
    .map((line) => JSON.parse(line).pid as number);

describe("serve --workers 2 (SQLite)", () => {
  const ws = workspace();
  let server: ChildProcess;
  let url: string;
  let token: string;
  let log = "";

  const waitFor = async (what: () => boolean, message: string) => {
    // Up to a minute: two processes starting on a loaded 2-core machine (no time is asserted).
    for (let i = 0; i < 600; i++) {
      if (what()) return;
      if (server.exitCode !== null) throw new Error(`server exited: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${message}: ${log}`);
  };

  beforeAll(async () => {
    token = createTokenSecret(ws.store, "app", "admin");
    server = spawn(process.execPath, [CLI, "--store", ws.store, "serve", "--port", "0", "--workers", "2"], {
      env: { ...process.env, GATEHOUSE_LOG_LEVEL: "info", GATEHOUSE_STORE: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (chunk) => {
      log += chunk.toString();
    });
    server.stderr!.on("data", (chunk) => {
      log += chunk.toString();
    });
    await waitFor(() => /gatehouse listening on/.test(log), "the server did not start");
    url = /gatehouse listening on (http:\/\/\S+)/.exec(log)![1]!;
  }, 60_000);

  afterAll(async () => {
    if (server?.exitCode === null) {
      server.kill("SIGKILL");
      await once(server, "exit");
    }
  });

  it("prints its address once, after both workers listen", () => {
    expect(log.match(/gatehouse listening on/g)).toHaveLength(1);
    expect(new Set(listeningPids(log)).size).toBe(2);
  });

  it("answers a check on either worker at the revision a write through the other returned", async () => {
    const schema = await call(url, "PUT", "/v1/schema", token, {
      schema:
        "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}",
    });
    expect(schema.status, schema.text).toBe(200);
    for (let i = 0; i < 6; i++) {
      const write = await call(url, "POST", "/v1/tenants/acme/relationships", token, {
        updates: [{ operation: "create", relationship: `document:d${i}#viewer@user:ann` }],
      });
      expect(write.status, write.text).toBe(200);
      for (let j = 0; j < 2; j++) {
        const check = await call(url, "POST", "/v1/tenants/acme/check", token, {
          resource: `document:d${i}`,
          permission: "view",
          subject: "user:ann",
          atLeastRevision: write.body.revision,
        });
        expect(check.body, check.text).toMatchObject({ allowed: true });
        expect(check.body.revision).toBeGreaterThanOrEqual(write.body.revision);
      }
    }
  });

  it("reports the metrics of every worker at /metrics", async () => {
    const count = async () => {
      const metrics = await call(url, "GET", "/metrics");
      expect(metrics.status).toBe(200);
      const line = metrics.text
        .split("\n")
        .find((l) =>
          l.startsWith('gatehouse_http_requests_total{route="/healthz",method="GET",status="200"}'),
        );
      return line === undefined ? 0 : Number(line.split(" ").pop());
    };
    const before = await count();
    for (let i = 0; i < 10; i++) expect((await call(url, "GET", "/healthz")).status).toBe(200);
    // Ten requests alternate between the workers: one worker's own counter would show five.
    expect((await count()) - before).toBe(10);
  });

  it("stops a revoked token on every worker within a second (issue 17 #8)", async () => {
    const secret = createTokenSecret(ws.store, "short-lived", "check");
    // Consecutive connections alternate between the workers: both cache the token.
    for (let i = 0; i < 6; i++) expect((await call(url, "GET", "/v1/schema", secret)).status).toBe(200);
    // Revoked through one worker: the other hears of it only through the store.
    const revoked = await call(url, "DELETE", "/v1/tokens/short-lived", token);
    expect(revoked.status, revoked.text).toBe(200);
    const revokedAt = Date.now();
    const logFrom = log.length;
    const late: number[] = [];
    let asked = 0;
    while (Date.now() - revokedAt < 1500) {
      const answer = await call(url, "GET", "/v1/schema", secret);
      asked++;
      if (answer.status === 200) late.push(Date.now() - revokedAt);
      else expect(answer.status).toBe(401);
    }
    expect(asked).toBeGreaterThan(10);
    expect(late.filter((ms) => ms > 1000)).toEqual([]);
    // Both workers answered (and refused) in that time.
    const refusedBy = new Set(
      log
        .slice(logFrom)
        .split("\n")
        .filter((line) => line.includes('"statusCode":401'))
        .map((line) => JSON.parse(line).pid as number),
    );
    expect(refusedBy.size).toBe(2);
  });

  it("starts a new worker when one dies, and keeps answering", async () => {
    const [first] = listeningPids(log);
    process.kill(first!, "SIGKILL");
    await waitFor(() => listeningPids(log).length === 3, "no worker replaced the one that died");
    expect(log).toContain("a worker stopped; starting another");
    for (let i = 0; i < 4; i++) {
      const check = await call(url, "POST", "/v1/tenants/acme/check", token, {
        resource: "document:d0",
        permission: "view",
        subject: "user:ann",
      });
      expect(check.body, check.text).toMatchObject({ allowed: true });
    }
  });

  it("stops every worker on SIGTERM and exits 0", async () => {
    const pids = listeningPids(log).slice(1);
    server.kill("SIGTERM");
    const [code] = await once(server, "exit");
    expect(code).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });

  it("refuses a --workers that is not a whole number from 1 to 64", () => {
    for (const bad of ["0", "two", "1.5", "65"]) {
      const result = gatehouse(["--store", ws.store, "serve", "--workers", bad]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("--workers expects a whole number of processes from 1 to 64");
    }
  });
});
