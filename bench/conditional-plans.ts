import { computePlan } from "../src/changes/plan.js";
import { Engine } from "../src/engine/engine.js";
import type { Relationship } from "../src/model/relationship.js";
import { compileSchema } from "../src/schema/schema.js";

/**
 * The plan of a change over caveated data against the same change over plain data (issue 15):
 * over caveated or expiring data a plan is three-valued (src/changes/conditional-plan.ts), every
 * (object, permission, subject) of the region checked before and after, so it costs more than
 * the subject-set diff of plain data. A region of N documents × M users, each user a viewer of
 * each document (through a group for one user in ten); the change revokes one user's grant on
 * every document and grants another user on every document. Kinds of data:
 * - `plain`: every relationship plain (the two-valued plan);
 * - `caveated`: every other grant under a caveat or an expiration (the three-valued plan);
 * - `plain+caveated write`: plain data, but the change's grants carry a caveat (three-valued).
 *
 * `node dist-bench/bench/conditional-plans.js [N×M ...] [runs]`, e.g. `100x20 1000x20 3`.
 */
const SCHEMA = `use expiration

caveat on_level(level int) {
  level > 2
}

definition user {}

definition group {
  relation member: user | user with on_level
}

definition doc {
  relation viewer: user | user with on_level | user with expiration | group#member
  relation banned: user
  permission view = viewer - banned
}
`;

type Kind = "plain" | "caveated" | "plain+caveated write";

function traits(kind: Kind, i: number): Pick<Relationship, "caveat" | "expiresAt"> {
  if (kind !== "caveated" || i % 2 === 0) return {};
  return i % 4 === 1 ? { caveat: { name: "on_level" } } : { expiresAt: "2300-01-01T00:00:00Z" };
}

function region(n: number, m: number, kind: Kind): Relationship[] {
  const out: Relationship[] = [];
  for (let d = 0; d < n; d++)
    for (let u = 0; u < m; u++) {
      const i = d * m + u;
      out.push(
        u % 10 === 9
          ? {
              resource: { type: "doc", id: `d${d}` },
              relation: "viewer",
              subject: { type: "group", id: `g${u}`, relation: "member" },
            }
          : {
              resource: { type: "doc", id: `d${d}` },
              relation: "viewer",
              subject: { type: "user", id: `u${u}` },
              ...traits(kind, i),
            },
      );
    }
  for (let u = 0; u < m; u++)
    out.push({
      resource: { type: "group", id: `g${u}` },
      relation: "member",
      subject: { type: "user", id: `u${u}` },
      ...traits(kind, u),
    });
  return out;
}

function planSeconds(n: number, m: number, kind: Kind): { seconds: number; gained: number; lost: number } {
  const schema = compileSchema(SCHEMA);
  const engine = new Engine(schema);
  const data = region(n, m, kind);
  engine.tenant("bench").apply(data, []);
  const deletes = data.filter((r) => r.resource.type === "doc" && r.subject.id === "u0");
  const writes: Relationship[] = [];
  for (let d = 0; d < n; d++)
    writes.push({
      resource: { type: "doc", id: `d${d}` },
      relation: "viewer",
      subject: { type: "user", id: "newcomer" },
      ...(kind === "plain+caveated write" ? { caveat: { name: "on_level" } } : {}),
    });
  const started = performance.now();
  const plan = computePlan({
    changeId: 1,
    tenant: "bench",
    intent: "migration",
    baseRevision: 1,
    engine,
    schemaBefore: schema,
    schemaAfter: schema,
    writes,
    deletes,
    schemaTenants: [],
    guards: [],
    now: new Date("2030-01-01T00:00:00Z"),
  });
  return {
    seconds: (performance.now() - started) / 1000,
    gained: plan.gained.length,
    lost: plan.lost.length,
  };
}

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? "3");
const sizes = args.filter((a) => /^\d+x\d+$/.test(a));
const kinds: Kind[] = ["plain", "caveated", "plain+caveated write"];
const results: Record<string, unknown>[] = [];
for (const size of sizes.length > 0 ? sizes : ["100x20", "1000x20"]) {
  const [n, m] = size.split("x").map(Number) as [number, number];
  for (const kind of kinds) {
    const times: number[] = [];
    let rows = { gained: 0, lost: 0 };
    for (let r = 0; r < runs; r++) {
      const { seconds, ...counts } = planSeconds(n, m, kind);
      times.push(seconds);
      rows = counts;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    results.push({
      region: `${n}x${m}`,
      kind,
      medianSeconds: Number(median.toFixed(3)),
      runs: times.map((t) => Number(t.toFixed(3))),
      ...rows,
    });
    console.error(
      `${n}x${m} ${kind}: median ${median.toFixed(3)} s over ${runs} runs (${rows.gained} gained, ${rows.lost} lost)`,
    );
  }
}
console.log(JSON.stringify(results, null, 2));
