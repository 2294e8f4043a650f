import { DEFAULT_TENANT } from "../src/model/names.js";
import { Gatehouse } from "../src/service/gatehouse.js";
function collect() {
    const gc = globalThis.gc;
    if (!gc)
        throw new Error("run with node --expose-gc");
    // Twice: the first pass can leave weak and finalizable objects for the second.
    gc();
    gc();
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}
async function main() {
    const [file, checkJson] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
    if (file === undefined || checkJson === undefined)
        throw new Error("usage: load-probe FILE CHECK_JSON [--scan]");
    const request = JSON.parse(checkJson);
    const t0 = performance.now();
    const gatehouse = await Gatehouse.open(file);
    const openMs = performance.now() - t0;
    const before = collect();
    const t1 = performance.now();
    const { allowed } = await gatehouse.check(DEFAULT_TENANT, request);
    const firstCheckMs = performance.now() - t1;
    const after = collect();
    const relationships = gatehouse.engine.tenant(DEFAULT_TENANT).data.size;
    let scanMs;
    if (process.argv.includes("--scan")) {
        const t2 = performance.now();
        let rows = 0;
        for await (const batch of gatehouse.store.scanTenant(DEFAULT_TENANT, gatehouse.revision))
            rows += batch.length;
        scanMs = performance.now() - t2;
        if (rows !== relationships)
            throw new Error(`scan saw ${rows} rows, the index holds ${relationships}`);
    }
    await gatehouse.close();
    const result = {
        openMs,
        firstCheckMs,
        allowed,
        relationships,
        before,
        after,
        ...(scanMs !== undefined ? { scanMs } : {}),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
}
await main();
//# sourceMappingURL=load-probe.js.map