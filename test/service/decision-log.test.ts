import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CheckRequest } from "../../src/engine/engine.js";
import { GatehouseError } from "../../src/model/errors.js";
import { parseObject, parseSubject } from "../../src/model/relationship.js";
import { DecisionLog } from "../../src/service/decision-log.js";
import { Gatehouse, type GatehouseOptions } from "../../src/service/gatehouse.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";

const SCHEMA = `definition user {}
definition group {
  relation member: user | group#member
}
definition document {
  relation viewer: user | group#member | user:*
  permission view = viewer
}`;

const dir = mkdtempSync(join(tmpdir(), "gatehouse-decisions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const check = (resource: string, permission: string, subject: string): CheckRequest => ({
  resource: parseObject(resource),
  permission,
  subject: parseSubject(subject),
});

async function opened(options: GatehouseOptions = {}, location = ":memory:"): Promise<Gatehouse> {
  const gatehouse = await Gatehouse.open(location, options);
  await gatehouse.writeSchema(SCHEMA);
  await gatehouse.importRelationships(
    "acme",
    "document:readme#viewer@user:ann\ndocument:plan#viewer@group:eng#member\ngroup:eng#member@user:bob",
  );
  return gatehouse;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("decision log", () => {
  it("records every check and batch check with tenant, request, answer, revision and time", async () => {
    const gatehouse = await opened({ now: () => new Date("2030-03-04T05:06:07.000Z") });
    const { revision } = await gatehouse.check("acme", check("document:readme", "view", "user:ann"));
    await gatehouse.checkBatch("acme", [
      check("document:plan", "view", "user:bob"),
      check("document:plan", "view", "group:eng#member"),
      check("document:readme", "view", "user:bob"),
    ]);
    const records = await gatehouse.listDecisions();
    expect(records.map(({ seq, ...rest }) => rest)).toEqual([
      {
        at: "2030-03-04T05:06:07.000Z",
        tenant: "acme",
        resource: { type: "document", id: "readme" },
        permission: "view",
        subject: { type: "user", id: "ann" },
        allowed: true,
        revision,
        // The schema that answered (issue 13): the active version here.
        schema: { version: 1 },
      },
      expect.objectContaining({ resource: { type: "document", id: "plan" }, allowed: true }),
      expect.objectContaining({ subject: { type: "group", id: "eng", relation: "member" }, allowed: true }),
      expect.objectContaining({ subject: { type: "user", id: "bob" }, allowed: false }),
    ]);
    expect(await gatehouse.listDecisions({ allowed: false })).toHaveLength(1);
    expect(gatehouse.decisionLog?.stats()).toMatchObject({ recorded: 4, dropped: 0, failed: 0, buffered: 0 });
    await gatehouse.close();
  });

  it("writes on its own after the flush interval, off the check path", async () => {
    const gatehouse = await opened({ decisionLog: { flushIntervalMs: 20 } });
    await gatehouse.check("acme", check("document:readme", "view", "user:ann"));
    // Nothing is written by the check itself.
    expect(await gatehouse.store.listDecisions()).toHaveLength(0);
    expect(gatehouse.decisionLog?.stats().buffered).toBe(1);
    await pause(150);
    expect(await gatehouse.store.listDecisions()).toHaveLength(1);
    await gatehouse.close();
  });

  it("close writes what is buffered, so a one-shot process loses nothing", async () => {
    const file = join(dir, `store-${++files}.db`);
    const first = await opened({ decisionLog: { flushIntervalMs: 60_000 } }, file);
    await first.check("acme", check("document:readme", "view", "user:bob"));
    await first.close();
    const store = SqliteStore.open(file);
    expect((await store.listDecisions()).map((d) => d.allowed)).toEqual([false]);
    await store.close();
  });

  it("is off with sample off: nothing recorded and no observer", async () => {
    const gatehouse = await opened({ decisionLog: { sample: "off" } });
    expect(gatehouse.decisionLog).toBeUndefined();
    await gatehouse.check("acme", check("document:readme", "view", "user:ann"));
    expect(await gatehouse.listDecisions()).toEqual([]);
    await gatehouse.close();
  });

  it("records about the sampled fraction", async () => {
    const gatehouse = await opened({ decisionLog: { sample: 0.25 } });
    const requests = Array.from({ length: 4_000 }, () => check("document:readme", "view", "user:ann"));
    await gatehouse.checkBatch("acme", requests);
    const recorded = (await gatehouse.listDecisions()).length;
    // Binomial(4000, 0.25): mean 1000, standard deviation 27; 1000 ± 200 is over 7 deviations.
    expect(recorded).toBeGreaterThan(800);
    expect(recorded).toBeLessThan(1_200);
    await gatehouse.close();
  });

  it("a batch bigger than its buffer waits for the buffer to be written: nothing is dropped", async () => {
    // Issue 17 (5): this used to record 10 of 25 and drop the rest without a word.
    const gatehouse = await opened({ decisionLog: { maxBuffer: 10, flushIntervalMs: 60_000 } });
    const requests = Array.from({ length: 25 }, () => check("document:readme", "view", "user:ann"));
    const { results } = await gatehouse.checkBatch("acme", requests);
    expect(results).toHaveLength(25);
    expect(gatehouse.decisionLog?.stats()).toMatchObject({ answered: 25, dropped: 0, failed: 0 });
    // Single checks wait too once the buffer is full.
    for (let i = 0; i < 15; i++) await gatehouse.check("acme", check("document:plan", "view", "user:bob"));
    expect(await gatehouse.listDecisions()).toHaveLength(40);
    expect(gatehouse.decisionLog?.stats()).toMatchObject({ recorded: 40, dropped: 0 });
    expect(await gatehouse.decisionLosses()).toEqual([]);
    await gatehouse.close();
  });

  it("a loss is counted, warned about and recorded in the store with its window", async () => {
    const warnings: string[] = [];
    const gatehouse = await opened();
    const log = new DecisionLog(gatehouse.store, {}, Date.now, (message) => warnings.push(message));
    const remove = gatehouse.addCheckObserver(log);
    const store = gatehouse.store;
    const original = store.appendDecisionPages.bind(store);
    store.appendDecisionPages = async () => {
      throw new GatehouseError("unavailable", "the store is down");
    };
    await gatehouse.checkBatch("acme", [
      check("document:readme", "view", "user:ann"),
      check("document:plan", "view", "user:bob"),
    ]);
    await log.flush();
    expect(log.stats()).toMatchObject({ answered: 2, failed: 2, lost: { store_failed: 2 } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/2 decisions lost \(store_failed\)/);
    // Back up: the loss is written with the next write, and listed for its window.
    store.appendDecisionPages = original;
    await gatehouse.check("acme", check("document:readme", "view", "user:ann"));
    await log.flush();
    const losses = await gatehouse.store.listDecisionLosses();
    expect(losses).toEqual([
      expect.objectContaining({ process: log.process, reason: "store_failed", count: 2 }),
    ]);
    const since = losses[0]!.firstAt;
    expect(await gatehouse.store.listDecisionLosses({ since })).toHaveLength(1);
    expect(await gatehouse.store.listDecisionLosses({ until: since })).toHaveLength(0);
    // After close, a check is counted as lost (closed) rather than dropped silently.
    await log.close();
    remove();
    log.observe("acme", check("document:readme", "view", "user:ann"), true, 1, false, { version: 1 });
    expect(log.stats().lost.closed).toBe(1);
    await gatehouse.close();
  });

  it("after a kill -9, the next process counts the checks the dead one answered without a record", async () => {
    const file = join(dir, `killed-${files++}.db`);
    await (await opened({}, file)).close();
    // A process that answers 30 checks, waits for its tally to be saved (every 250 ms) but not
    // for its buffer (a minute), and is killed.
    const script = `
      const { Gatehouse } = await import(${JSON.stringify(join(process.cwd(), "dist/service/gatehouse.js"))});
      const g = await Gatehouse.open(${JSON.stringify(file)}, { decisionLog: { flushIntervalMs: 60000 } });
      for (let i = 0; i < 30; i++)
        await g.check("acme", { resource: { type: "document", id: "readme" }, permission: "view", subject: { type: "user", id: "ann" } });
      await new Promise((resolve) => setTimeout(resolve, 800));
      process.kill(process.pid, "SIGKILL");
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(child.signal).toBe("SIGKILL");
    // The next process counts them at open: the dead one's tally has not been saved for longer
    // than `staleAfterMs` (here 500 ms rather than 30 s).
    await pause(600);
    const next = await Gatehouse.open(file, { decisionLog: { staleAfterMs: 500 } });
    const lost = await next.decisionLosses();
    expect(lost).toEqual([expect.objectContaining({ reason: "process_ended", count: 30 })]);
    expect(next.decisionLog?.stats().lost.process_ended).toBe(30);
    expect(await next.listDecisions()).toHaveLength(0);
    await next.close();
  });

  it("a failing store costs records, never answers", async () => {
    const gatehouse = await opened();
    const store = gatehouse.store;
    const original = store.appendDecisionPages.bind(store);
    store.appendDecisionPages = async () => {
      throw new GatehouseError("unavailable", "the store is down");
    };
    expect((await gatehouse.check("acme", check("document:readme", "view", "user:ann"))).allowed).toBe(true);
    await gatehouse.decisionLog?.flush();
    expect(gatehouse.decisionLog?.stats()).toMatchObject({ failed: 1, lastError: "the store is down" });
    store.appendDecisionPages = original;
    await gatehouse.close();
  });

  it("leaves out a check the store cannot hold rather than its whole batch", async () => {
    const gatehouse = await opened();
    // A library caller may ask about an id the store's rules refuse; the engine answers anyway.
    await gatehouse.checkBatch("acme", [
      check("document:readme", "view", "user:ann"),
      {
        resource: { type: "document", id: "has space" },
        permission: "view",
        subject: { type: "user", id: "ann" },
      },
    ]);
    expect((await gatehouse.listDecisions()).map((d) => d.resource.id)).toEqual(["readme"]);
    expect(gatehouse.decisionLog?.stats()).toMatchObject({ recorded: 1, failed: 1 });
    await gatehouse.close();
  });

  it("purges records older than the retention window", async () => {
    let now = new Date("2030-01-01T00:00:00.000Z");
    const gatehouse = await opened({ now: () => now, decisionLog: { retention: 7 } });
    await gatehouse.check("acme", check("document:readme", "view", "user:ann"));
    now = new Date("2030-01-05T00:00:00.000Z");
    await gatehouse.check("acme", check("document:readme", "view", "user:bob"));
    await gatehouse.decisionLog?.flush();
    now = new Date("2030-01-09T00:00:00.000Z");
    expect(await gatehouse.decisionLog?.purge()).toBe(1);
    expect((await gatehouse.listDecisions()).map((d) => d.at)).toEqual(["2030-01-05T00:00:00.000Z"]);
    await gatehouse.close();
  });

  it("refuses bad options, naming the option", async () => {
    for (const [decisionLog, field] of [
      [{ sample: 2 }, "decisionLog.sample"],
      [{ sample: "some" }, "decisionLog.sample"],
      [{ retention: 0 }, "decisionLog.retention"],
      [{ flushIntervalMs: 1.5 }, "decisionLog.flushIntervalMs"],
      [{ maxBuffer: -1 }, "decisionLog.maxBuffer"],
    ] as const) {
      const error = await Gatehouse.open(":memory:", { decisionLog: decisionLog as never }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GatehouseError);
      expect((error as GatehouseError).kind).toBe("input");
      expect((error as GatehouseError).place).toEqual({ field });
    }
    const store = SqliteStore.open(":memory:");
    expect(() => new DecisionLog(store, { retention: Number.NaN })).toThrow(/invalid decision log retention/);
    await store.close();
  });
});
