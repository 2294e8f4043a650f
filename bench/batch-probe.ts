import { type ChildProcess, spawn } from "node:child_process";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { formatObject, formatSubject } from "../src/model/relationship.js";
import { buildServer } from "../src/server/server.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import { createToken } from "../src/service/tokens.js";
import { memoryIndex } from "./memory-index.js";

// `node dist-bench/bench/batch-probe.js [scale] [queries] [--log]`: batch throughput of the engine alone
// (as run.js measures it: passes over the same distinct queries in one synchronous loop), on an
// index built in memory, for quick comparisons while tuning the engine; then the same queries
// as batches through each surface, per check beside the engine's figure (issue 18 item 6: at
// most 1.5x): the library's `checkBatch`, the CLI's `permission check --batch` (its text, read
// and answered in process, after start-up) and HTTP (`POST /checks`, 10,000 a request, the
// most one may hold; and `POST /checks/text`, the same checks as text lines). Scale 0.1 and 200,000 queries are the setting.
const [scaleArg, countArg] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const scale = Number(scaleArg ?? "1");
const count = Number(countArg ?? "200000");
const { workload, engine } = memoryIndex(scale);
const queries = workload.queries(count, 7);
for (const q of queries.slice(0, 100_000)) engine.check("bench", q);
const passes = 5;
const started = performance.now();
let allowed = 0;
for (let p = 0; p < passes; p++) for (const q of queries) if (engine.check("bench", q)) allowed++;
const seconds = (performance.now() - started) / 1000;
const engineMicros = (seconds * 1e6) / (passes * queries.length);
console.log(
  `scale ${scale}: ${passes * queries.length} checks in ${seconds.toFixed(2)} s = ${Math.round((passes * queries.length) / seconds).toLocaleString("en")}/s, ${engineMicros.toFixed(2)} µs a check (${allowed} allowed)`,
);

// The surfaces, over a Gatehouse holding the same workload (SQLite in memory). The decision log is
// off unless `--log` is given: recording every check is its own cost (SQLite writes), beside
// what this probe compares, the surface's reading and answering of a batch.
const recording = process.argv.includes("--log");
const g = await Gatehouse.open(":memory:", recording ? {} : { decisionLog: { sample: "off" } });
await g.writeSchema(workload.schema);
await g.importRelationshipsFrom(DEFAULT_TENANT, workload.tupleText());
const text = queries
  .map((q) => `${formatObject(q.resource)}#${q.permission}@${formatSubject(q.subject)}`)
  .join("\n");
const items = queries.map((q) => ({
  resource: formatObject(q.resource),
  permission: q.permission,
  subject: formatSubject(q.subject),
}));
await g.checkBatch(DEFAULT_TENANT, queries.slice(0, 1000)); // loads the index

const surfaces: [string, () => Promise<void>][] = [
  ["library checkBatch", async () => void (await g.checkBatch(DEFAULT_TENANT, queries))],
  [
    "CLI --batch (text in, lines out)",
    async () => void (await g.checkBatchText(DEFAULT_TENANT, text, "batch.txt")).results.join("\n"),
  ],
];
const server = await buildServer(g);
const url = await server.app.listen({ host: "127.0.0.1", port: 0 });
const { secret } = await createToken(g.store, {
  name: "bench",
  role: "check",
  tenants: null,
  actor: "bench",
});
// Bodies are made before the clock starts: the client's JSON (or text) is not the server's cost.
// Each door is timed twice: with the client on the server's thread, and in a worker thread.
// The JSON door (`POST /checks`) and the text door (`POST /checks/text`: check lines in, answer
// lines out), 10,000 checks a request, the most one may hold.
const jsonBodies: string[] = [];
const textBodies: string[] = [];
for (let i = 0; i < items.length; i += 10_000) {
  jsonBodies.push(JSON.stringify({ checks: items.slice(i, i + 10_000) }));
  textBodies.push(
    text
      .split("\n")
      .slice(i, i + 10_000)
      .join("\n"),
  );
}
const clients: ChildProcess[] = [];
const httpDoor = (name: string, path: string, contentType: string, bodies: string[]) => {
  const target = `${url}/v1/tenants/${DEFAULT_TENANT}/${path}`;
  surfaces.push([
    `${name} (10,000 a request)`,
    async () => {
      for (const body of bodies) {
        const response = await fetch(target, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": contentType },
          body,
        });
        if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
      }
    },
  ]);
  // The same requests from a client in another process: a deployment's client is one, and the
  // fetch above (undici's request building, the body's copy, the answer's reading) runs on the
  // server's thread, charged to the surface. `process.cpuUsage` counts every thread of this
  // process (a worker thread's client would be charged too): this line is the server's own cost.
  const client = spawn(
    process.execPath,
    [
      "-e",
      `let work;
      process.on("message", async (message) => {
        if (message.bodies) {
          work = message;
          return;
        }
        for (const body of work.bodies) {
          const response = await fetch(work.url, {
            method: "POST",
            headers: { authorization: "Bearer " + work.secret, "content-type": work.contentType },
            body,
          });
          if (response.status !== 200) throw new Error("HTTP " + response.status + ": " + (await response.text()));
          await response.arrayBuffer();
        }
        process.send("done");
      });`,
    ],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  client.send({ bodies, secret, url: target, contentType });
  clients.push(client);
  surfaces.push([
    `${name} (10,000 a request), client in another process`,
    () =>
      new Promise<void>((resolve) => {
        client.once("message", () => resolve());
        client.send("go");
      }),
  ]);
};
httpDoor("HTTP POST /checks", "checks", "application/json", jsonBodies);
httpDoor("HTTP POST /checks/text", "checks/text", "text/plain", textBodies);
// On a shared machine the load moves within seconds: each surface is timed beside the engine on
// the same index, alternately, and the best of three of each is kept. CPU time (the process's,
// `process.cpuUsage`) is given beside the wall clock: under a load of many times the cores the
// wall clock is mostly waiting for one, and the CPU ratio is the figure that holds still. The
// client's own CPU is counted only where it runs on the server's thread (the lines without "another
// process").
const engineRun = async () => {
  for (const q of queries) g.engine.check(DEFAULT_TENANT, q);
};
const timed = async (run: () => Promise<void>): Promise<{ wall: number; cpu: number }> => {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return {
    wall: ((performance.now() - t) * 1000) / queries.length,
    cpu: (used.user + used.system) / queries.length,
  };
};
const best = (a: { wall: number; cpu: number }, b: { wall: number; cpu: number }) => ({
  wall: Math.min(a.wall, b.wall),
  cpu: Math.min(a.cpu, b.cpu),
});
const cpuOf = new Map<string, { surface: number; engine: number }>();
for (const [name, run] of surfaces) {
  await run(); // warm
  let surface = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  let alone = surface;
  for (let round = 0; round < 3; round++) {
    alone = best(alone, await timed(engineRun));
    surface = best(surface, await timed(run));
  }
  cpuOf.set(name, { surface: surface.cpu, engine: alone.cpu });
  console.log(
    `${name}: ${surface.wall.toFixed(2)} µs a check, the engine ${alone.wall.toFixed(2)} µs on the same index: ${(surface.wall / alone.wall).toFixed(2)}x; CPU ${surface.cpu.toFixed(2)} µs against ${alone.cpu.toFixed(2)}: ${(surface.cpu / alone.cpu).toFixed(2)}x`,
  );
}
// The text door beside the JSON door, each as a multiple of the engine timed beside it.
for (const where of ["", ", client in another process"]) {
  const json = cpuOf.get(`HTTP POST /checks (10,000 a request)${where}`);
  const lines = cpuOf.get(`HTTP POST /checks/text (10,000 a request)${where}`);
  if (json && lines)
    console.log(
      `/checks/text against /checks${where || ", client on the server's thread"}: CPU ${(lines.surface / lines.engine).toFixed(2)}x the engine against ${(json.surface / json.engine).toFixed(2)}x: ${(lines.surface / lines.engine / (json.surface / json.engine)).toFixed(2)} of the JSON door's`,
    );
}
// The two doors' server cost once more, timed in turn with the engine (rotated, so that neither
// always follows the other) for seven rounds, as medians: under a moving load the best-of-three
// blocks above, minutes apart, can disagree by a tenth; alternating within seconds holds better.
const byName = new Map(surfaces);
const turns: [string, () => Promise<void>][] = [
  ["engine", engineRun],
  ["/checks", byName.get("HTTP POST /checks (10,000 a request), client in another process")!],
  ["/checks/text", byName.get("HTTP POST /checks/text (10,000 a request), client in another process")!],
];
const cpus = new Map<string, number[]>(turns.map(([name]) => [name, []]));
for (let round = 0; round < 7; round++)
  for (let k = 0; k < turns.length; k++) {
    const [name, run] = turns[(round + k) % turns.length]!;
    cpus.get(name)!.push((await timed(run)).cpu);
  }
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const [engineCpu, jsonCpu, textCpu] = turns.map(([name]) => median(cpus.get(name)!)) as [
  number,
  number,
  number,
];
console.log(
  `server CPU, client in another process, medians of 7 alternated rounds: the engine ${engineCpu.toFixed(2)} µs, /checks ${jsonCpu.toFixed(2)} (${(jsonCpu / engineCpu).toFixed(2)}x), /checks/text ${textCpu.toFixed(2)} (${(textCpu / engineCpu).toFixed(2)}x): ${(textCpu / jsonCpu).toFixed(2)} of /checks`,
);
for (const client of clients) client.kill();
await server.app.close();
server.stopFollowing();
await g.close();
