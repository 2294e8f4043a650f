import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GatehouseError } from "../src/model/errors.js";
import { DEFAULT_TENANT } from "../src/model/names.js";
import type { Relationship } from "../src/model/relationship.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import type { RelationshipUpdate } from "../src/store/store.js";
import { Rng, Workload } from "./workload.js";

/**
 * `node dist-bench/bench/guarded-writes.js [--scale N] [--writes N]`: what the `direct-writes`
 * guard costs a single relationship write, on the benchmark workload in a SQLite file (the
 * tenant's index loaded, as in a server). Each kind of write is timed with the default guard
 * (`direct-write-blast-radius`) and without it (guards written without a direct-writes guard),
 * on distinct relationships so that both modes do the same work in the store:
 * - a grant (`document#viewer` touch): read only positively, so no plan is needed;
 * - a revoke (`document#viewer` delete): only its subject can lose access, no plan;
 * - a ban (`document#banned` touch): an exclusion, but again only its subject can lose;
 * - an unfiling (`document#parent` delete): an arrow walks it, so it is planned;
 * - a folder revoke (`folder#viewer` delete): its one subject bounds the loss, no plan.
 * The means carry the file system's occasional slow commit; the medians compare the work.
 * Target: a guarded write costs at most twice an unguarded one.
 */
const args = process.argv.slice(2);
let scale = 1;
let writes = 200;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--scale") scale = Number(args[++i]);
  else if (args[i] === "--writes") writes = Number(args[++i]);
  else {
    console.error(`unknown argument ${args[i]}: expected --scale N, --writes N`);
    process.exit(2);
  }
}
if (!(scale > 0) || !(writes > 0)) {
  console.error("--scale and --writes need positive numbers");
  process.exit(2);
}

const NO_DIRECT_WRITES_GUARD = `guards:
  - name: cleanup-and-merge-are-access-neutral
    kind: access-neutral
    intents: [cleanup, merge]
`;

const workload = new Workload({ scale });
const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-guarded-writes-"));
const g = await Gatehouse.open(path.join(dir, "bench.db"), {
  decisionLog: { sample: "off" },
  rolloutPollMs: 0,
});
try {
  const started = performance.now();
  await g.writeSchema(workload.schema);
  await g.importRelationships(DEFAULT_TENANT, workload.tupleText());
  // Load the tenant's index, as a serving process has it.
  await g.check(DEFAULT_TENANT, workload.queries(1, 1)[0]!);
  console.error(
    `loaded ${workload.size.toLocaleString()} relationships in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const live = {
    documentViewers: [] as Relationship[],
    folderViewers: [] as Relationship[],
    documentParents: [] as Relationship[],
  };
  for (const r of workload.relationships()) {
    if (r.resource.type === "document" && r.relation === "parent") live.documentParents.push(r);
    if (r.relation !== "viewer" || r.subject.type !== "user" || r.subject.id === "*") continue;
    if (r.resource.type === "document") live.documentViewers.push(r);
    else if (r.resource.type === "folder") live.folderViewers.push(r);
  }
  const rng = new Rng(11);
  /** `count` distinct items, chosen at random (seeded). */
  const sample = <T>(items: readonly T[], count: number): T[] => {
    const chosen = new Map<number, T>();
    while (chosen.size < Math.min(count, items.length)) {
      const i = rng.int(items.length);
      chosen.set(i, items[i]!);
    }
    return [...chosen.values()];
  };
  const user = (u: number) => ({ type: "user", id: `u${u}` });
  const document = (d: number) => ({ type: "document", id: `d${d}` });
  const fresh = (relation: string, n: number): Relationship[] =>
    Array.from({ length: n }, () => ({
      resource: document(rng.int(workload.documentCount)),
      relation,
      subject: user(workload.userCount + rng.int(1_000_000)),
    }));
  const bannedLive = (n: number): Relationship[] =>
    // Bans of users who can see the document: the plan finds a loss, within the bound.
    sample(live.documentViewers, n).map((r) => ({
      resource: r.resource,
      relation: "banned",
      subject: r.subject,
    }));

  const kinds: Array<{ name: string; make: (n: number) => RelationshipUpdate[] }> = [
    {
      name: "grant (document#viewer touch)",
      make: (n) => fresh("viewer", n).map((relationship) => ({ operation: "touch", relationship })),
    },
    {
      name: "revoke (document#viewer delete)",
      make: (n) =>
        sample(live.documentViewers, n).map((relationship) => ({ operation: "delete", relationship })),
    },
    {
      name: "ban (document#banned touch)",
      make: (n) => bannedLive(n).map((relationship) => ({ operation: "touch", relationship })),
    },
    {
      // An arrow walks `document#parent`: everyone who sees the folder may lose the document,
      // so this one is planned.
      name: "unfile (document#parent delete, planned)",
      make: (n) =>
        sample(live.documentParents, n).map((relationship) => ({ operation: "delete", relationship })),
    },
    {
      name: "folder revoke (folder#viewer delete)",
      make: (n) =>
        sample(live.folderViewers, Math.min(n, 50)).map((relationship) => ({
          operation: "delete",
          relationship,
        })),
    },
  ];

  /** Times each write; a write the guard refuses (a wildcard loss) is timed too, and counted. */
  const time = async (updates: readonly RelationshipUpdate[]) => {
    const micros: number[] = [];
    let refused = 0;
    for (const update of updates) {
      const t = performance.now();
      try {
        await g.writeRelationships(DEFAULT_TENANT, [update], { actor: "bench", door: "library" });
      } catch (error) {
        if (!(error instanceof GatehouseError) || error.kind !== "refused") throw error;
        refused++;
      }
      micros.push((performance.now() - t) * 1000);
    }
    micros.sort((a, b) => a - b);
    const mean = micros.reduce((a, b) => a + b, 0) / micros.length;
    return {
      n: micros.length,
      refused,
      mean,
      p50: micros[Math.floor(micros.length / 2)]!,
      p99: micros[Math.floor(micros.length * 0.99)]!,
    };
  };

  const rows: string[] = [];
  for (const kind of kinds) {
    // Distinct relationships for the two modes, made before either runs.
    const both = kind.make(writes * 2);
    const half = Math.floor(both.length / 2);
    const unguardedSet = both.slice(0, half);
    const guardedSet = both.slice(half);
    await g.changes.writeGuards(NO_DIRECT_WRITES_GUARD, { actor: "bench" });
    const off = await time(unguardedSet);
    await g.changes.writeGuards(
      `${NO_DIRECT_WRITES_GUARD}  - name: direct-write-blast-radius
    kind: direct-writes
    max-loss: 1000
    max-deletes: 1000
`,
      { actor: "bench" },
    );
    const on = await time(guardedSet);
    const line = `${kind.name}: ${off.n} writes each; without the guard mean ${off.mean.toFixed(0)} µs (p50 ${off.p50.toFixed(0)}, p99 ${off.p99.toFixed(0)}); with it mean ${on.mean.toFixed(0)} µs (p50 ${on.p50.toFixed(0)}, p99 ${on.p99.toFixed(0)}); ${on.refused ? `${on.refused} refused by the guard; ` : ""}p50 ratio ${(on.p50 / off.p50).toFixed(2)}x, mean ratio ${(on.mean / off.mean).toFixed(2)}x`;
    console.log(line);
    rows.push(line);
  }
  console.log(JSON.stringify({ scale, relationships: workload.size, writes, rows }, null, 2));
} finally {
  await g.close();
  rmSync(dir, { recursive: true, force: true });
}
