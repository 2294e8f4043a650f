import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { type RunningServer, startServer } from "../support/server.js";

const SCHEMA = `definition user {}
definition document {
  relation viewer: user
  permission view = viewer
}`;

/** The value of one sample of a scrape (`name{labels} value`), or undefined when it is not there. */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("metrics of the store, the follower and the decision log", () => {
  let dir: string | undefined;
  let s: RunningServer | undefined;
  let other: Gatehouse | undefined;
  afterEach(async () => {
    await other?.close();
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a scrape of a real server after some traffic shows store latency, follower lag and the decision queue", async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-store-metrics-"));
    const store = join(dir, "store.db");
    s = await startServer(store);
    await s.gatehouse.writeSchema(SCHEMA);
    const writer = await s.token("loader", "write");
    const imported = await s.call("POST", "/v1/tenants/acme/import", {
      token: writer,
      body: { relationships: "document:a#viewer@user:ann\ndocument:b#viewer@user:bob\n" },
    });
    expect(imported.status).toBe(200);
    const checks = 5;
    for (let i = 0; i < checks; i++) {
      const answer = await s.call("POST", "/v1/tenants/acme/check", {
        token: writer,
        body: { resource: "document:a", permission: "view", subject: i % 2 ? "user:ann" : "user:bob" },
      });
      expect(answer.status).toBe(200);
    }

    // Another process writes while this server does not follow: it is behind by those revisions.
    s.server.stopFollowing();
    other = await Gatehouse.open(store, { decisionLog: { sample: "off" } });
    await other.writeRelationships("acme", [
      {
        operation: "touch",
        relationship: {
          resource: { type: "document", id: "c" },
          relation: "viewer",
          subject: { type: "user", id: "cid" },
        },
      },
    ]);
    await other.importRelationships("acme", "document:d#viewer@user:dan");

    const behind = (await s.call("GET", "/metrics")).body as string;
    expect(sample(behind, "gatehouse_follower_lag_revisions")).toBe(2);
    const seconds = sample(behind, "gatehouse_follower_lag_seconds");
    expect(seconds).toBeDefined();
    expect(seconds).toBeGreaterThanOrEqual(0);
    // Gatehouse's gauges are not named as counters (prom-client's standard `nodejs_*` ones keep
    // the names stock dashboards know).
    expect(behind).not.toMatch(/^# TYPE gatehouse_\S+_total gauge$/m);

    // Store operations by operation: the import went through the store once, and every
    // histogram's count equals its +Inf bucket.
    expect(
      sample(behind, "gatehouse_store_operation_duration_seconds_count", '{operation="importRelationships"}'),
    ).toBe(1);
    expect(
      sample(behind, "gatehouse_store_operation_duration_seconds_count", '{operation="revisionsSince"}'),
    ).toBeGreaterThan(0);
    const readsSum = sample(
      behind,
      "gatehouse_store_operation_duration_seconds_sum",
      '{operation="importRelationships"}',
    );
    expect(readsSum).toBeGreaterThan(0);
    expect(
      sample(
        behind,
        "gatehouse_store_operation_duration_seconds_bucket",
        '{le="+Inf",operation="importRelationships"}',
      ),
    ).toBe(1);

    // The decision log: every check answered is recorded or still queued, none dropped.
    const recorded = sample(behind, "gatehouse_decisions_recorded_total") ?? 0;
    const queued = sample(behind, "gatehouse_decisions_buffered") ?? 0;
    expect(recorded + queued).toBe(checks);
    expect(sample(behind, "gatehouse_decisions_dropped_total", '{reason="buffer_full"}')).toBe(0);

    // Caught up, the lag is gone.
    await s.gatehouse.catchUp();
    const caughtUp = (await s.call("GET", "/metrics")).body as string;
    expect(sample(caughtUp, "gatehouse_follower_lag_revisions")).toBe(0);
    expect(sample(caughtUp, "gatehouse_follower_lag_seconds")).toBe(0);
  });
});
