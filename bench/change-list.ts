import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { parseRelationship } from "../src/model/relationship.js";
import { openStore } from "../src/store/open-store.js";
import type { Store } from "../src/store/store.js";

// `node dist-bench/bench/change-list.js [changes] [relationships] [postgres://...]`: what
// `GET /v1/changes` costs the store when changes are large. Each change deletes `relationships`
// relationships and holds a plan listing as many lost accesses, as a cleanup does. Times the
// whole records (`listChanges`, what the list read before) against the summaries
// (`listChangeSummaries`, what it reads now), alternately, 20 rounds each; p50 in ms.
const changes = Number(process.argv[2] ?? "5");
const size = Number(process.argv[3] ?? "10000");
const postgres = process.argv[4];

async function fill(store: Store): Promise<void> {
  const deletes = Array.from({ length: size }, (_, i) =>
    parseRelationship(`document:d${i}#viewer@user:u${i % 997}`),
  );
  const lost = deletes.map((_, i) => ({
    subject: `user:u${i % 997}`,
    permission: "view",
    resource: `document:d${i}`,
  }));
  const audit = (action: string) => ({
    actor: "bench",
    action,
    target: "change",
    tenant: "acme",
    reason: "bench",
    details: {},
  });
  for (let i = 0; i < changes; i++) {
    const change = await store.createChange(
      {
        tenant: "acme",
        intent: "cleanup",
        reason: "bench",
        author: "bench",
        spec: { writes: [], deletes, deleteWhere: [], schema: null },
      },
      audit("change.propose"),
    );
    await store.updateChange(change.id, { state: "planned", plan: { lost } }, audit("change.plan"));
  }
}

async function measure(label: string, store: Store): Promise<void> {
  await fill(store);
  const whole: number[] = [];
  const summaries: number[] = [];
  for (let round = 0; round < 20; round++) {
    let started = performance.now();
    await store.listChanges({ limit: 100 });
    whole.push(performance.now() - started);
    started = performance.now();
    await store.listChangeSummaries({ limit: 100 });
    summaries.push(performance.now() - started);
  }
  const p50 = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(2);
  console.log(
    `${label}: ${changes} changes of ${size} relationships: whole records p50 ${p50(whole)} ms, summaries p50 ${p50(summaries)} ms (load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")})`,
  );
}

const dir = mkdtempSync(path.join(os.tmpdir(), "gatehouse-change-list-"));
try {
  const sqlite = await openStore(path.join(dir, "bench.db"));
  await measure("sqlite", sqlite);
  await sqlite.close();
  if (postgres !== undefined) {
    const name = `change_list_${process.pid}`;
    const url = new URL(postgres);
    url.searchParams.set("schema", name);
    const client = new pg.Client({ connectionString: postgres });
    await client.connect();
    try {
      const store = await openStore(url.toString());
      await measure("postgres", store);
      await store.close();
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
