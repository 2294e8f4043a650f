import { openStore } from "../src/store/open-store.js";
import type { RelationshipUpdate, Store, WriteOptions } from "../src/store/store.js";

// `node dist-bench/bench/tenant-writes.js [writes-per-writer] [postgres://...] [rounds]`: write
// throughput of 1, 2 and 4 concurrent writers, each on a tenant of its own or all on one tenant,
// against one PostgreSQL store (a schema of its own, dropped after). Each write creates one
// relationship with an audit record, as the service's writes do; the `checked` writes also carry
// four preconditions (a round trip each, made before the revision is taken on this branch); the
// `unaudited` writes carry no audit record, which shows the revision's cost apart from the audit
// head's (both are one row each write takes to its commit on main).
// Prints writes per second, the median of `rounds` runs of each case.
//
// `... [writes-per-round] [postgres://...] [rounds] sustained [writers,...]`: the sustained mode,
// for a store that has written for a while: each case (unaudited and plain writes, own tenants
// and one tenant, 4 writers unless listed) runs `rounds` rounds of `writes-per-round` writes in
// all (split among the writers) back to back, on one store, and prints every round's figure (a
// slowdown as the run goes on shows there) and this process's CPU time per 1,000 writes.
const perWriterArg = Number(process.argv[2] ?? "200");
const base = process.argv[3] ?? "postgres://postgres@127.0.0.1:5432/test";
const rounds = Number(process.argv[4] ?? "3");
const sustained = process.argv[5] === "sustained";
const sustainedWriters = (process.argv[6] ?? "4").split(",").map(Number);
let perWriter = perWriterArg;

const schema = `tenant_writes_${process.pid}`;
const url = new URL(base);
url.searchParams.set("schema", schema);

let serial = 0;
/** One relationship created, never written before: no write conflicts with another. */
const update = (): RelationshipUpdate[] => [
  {
    operation: "create",
    relationship: {
      resource: { type: "document", id: `d${++serial}` },
      relation: "viewer",
      subject: { type: "user", id: "ann" },
    },
  },
];
const preconditions = Array.from({ length: 4 }, (_, i) => ({
  filter: { resourceType: "document", resourceId: `absent-${i}` },
  mustMatch: false,
  field: `preconditions[${i}]`,
}));

type Kind = "plain" | "checked" | "unaudited";

async function run(store: Store, writers: number, sameTenant: boolean, kind: Kind): Promise<number> {
  const options: WriteOptions = {
    actor: "bench",
    door: "library",
    ...(kind !== "unaudited" ? { audit: { action: "relationships.write" } } : {}),
    ...(kind === "checked" ? { preconditions } : {}),
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const tenant = sameTenant ? "t0" : `t${w}`;
      for (let i = 0; i < perWriter; i++) await store.writeRelationships(tenant, update(), options);
    }),
  );
  return (writers * perWriter) / ((performance.now() - started) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const store = await openStore(url.toString());
try {
  // Warm the pool and the tenants' rows.
  perWriter = sustained ? 50 : perWriterArg;
  await run(store, 4, false, "plain");
  const results: Record<string, number> = {};
  if (sustained) {
    const rows: Record<string, { rounds: number[]; cpuMsPer1000: number }> = {};
    for (const writers of sustainedWriters)
      for (const kind of ["unaudited", "plain"] as const)
        for (const sameTenant of [false, true]) {
          perWriter = Math.ceil(perWriterArg / writers);
          const figures: number[] = [];
          const cpu = process.cpuUsage();
          for (let r = 0; r < rounds; r++) figures.push(await run(store, writers, sameTenant, kind));
          const used = process.cpuUsage(cpu);
          const name = `${kind} ${sameTenant ? "same tenant" : "own tenants"} ${writers}w`;
          const cpuMsPer1000 = Math.round(
            (used.user + used.system) / 1000 / ((rounds * writers * perWriter) / 1000),
          );
          rows[name] = { rounds: figures.map(Math.round), cpuMsPer1000 };
          results[name] = Math.round(median(figures));
          console.error(
            `${name}: ${figures.map(Math.round).join(", ")} writes/s; client CPU ${cpuMsPer1000} ms/1000 writes`,
          );
        }
    console.log(JSON.stringify({ writesPerRound: perWriterArg, rounds, median: results, rows }, null, 2));
  } else {
    for (const kind of ["plain", "checked", "unaudited"] as const)
      for (const sameTenant of [false, true])
        for (const writers of [1, 2, 4]) {
          const figures: number[] = [];
          for (let r = 0; r < rounds; r++) figures.push(await run(store, writers, sameTenant, kind));
          const name = `${kind} ${sameTenant ? "same tenant" : "own tenants"} ${writers}w`;
          results[name] = Math.round(median(figures));
          console.error(`${name}: ${figures.map(Math.round).join(", ")} writes/s`);
        }
    console.log(JSON.stringify({ perWriter, rounds, writesPerSecond: results }, null, 2));
  }
} finally {
  await store.close();
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
