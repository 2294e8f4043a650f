import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../src/store/open-store.js";
// `node dist-bench/bench/audit-chain.js [records] [postgres://...]`: what the hash chain costs.
// Appends `records` audit records one after another, then 200 at once, then verifies the whole
// log. Without a URL it runs on a SQLite file; a PostgreSQL URL gets a schema of its own, dropped after.
const records = Number(process.argv[2] ?? "10000");
const url = process.argv[3];
const dir = mkdtempSync(join(tmpdir(), "gatehouse-audit-bench-"));
const schema = `audit_bench_${process.pid}`;
const location = url === undefined ? join(dir, "audit.db") : withSchema(url, schema);
const store = await openStore(location);
const record = (i) => ({
    actor: "ann",
    action: "change.plan",
    tenant: "acme",
    target: `change:${i}`,
    reason: "a plan, as the lifecycle records it",
    details: { gained: i % 7, lost: i % 3, guards: ["cleanups-change-nothing"] },
});
let started = performance.now();
for (let i = 0; i < records; i++)
    await store.appendAudit(record(i));
const sequentialMs = (performance.now() - started) / records;
started = performance.now();
await Promise.all(Array.from({ length: 200 }, (_, i) => store.appendAudit(record(i))));
const parallelMs = performance.now() - started;
started = performance.now();
const verification = await store.verifyAudit();
const verifyMs = performance.now() - started;
console.log(JSON.stringify({
    store: store.kind,
    appendMsEach: Number(sequentialMs.toFixed(3)),
    parallel200Ms: Math.round(parallelMs),
    verified: verification.checked,
    ok: verification.ok,
    verifyMs: Math.round(verifyMs),
    verifyUsPerRecord: Number(((verifyMs * 1000) / verification.checked).toFixed(1)),
}, null, 2));
await store.close();
if (url !== undefined) {
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
}
rmSync(dir, { recursive: true, force: true });
function withSchema(base, name) {
    const parsed = new URL(base);
    parsed.searchParams.set("schema", name);
    return parsed.toString();
}
//# sourceMappingURL=audit-chain.js.map