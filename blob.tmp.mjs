import Database from "better-sqlite3";
const mode = process.argv[2];
const db = new Database("/work/bench-data/cold-cli-1m.db", mode === "ro" || mode === "ro-mmap" ? { readonly: true } : {});
if (mode === "mmap" || mode === "ro-mmap") db.pragma("mmap_size = 268435456");
const c0 = process.cpuUsage(); const t0 = performance.now();
const row = db.prepare("SELECT bytes FROM index_snapshot_chunks WHERE tenant = ? AND chunk = 0").raw().get("default");
const c = process.cpuUsage(c0);
console.log(mode, row?.[0]?.byteLength, "cpu", ((c.user + c.system) / 1000).toFixed(0), "ms, wall", (performance.now() - t0).toFixed(0), "ms", "page_size", db.pragma("page_size", { simple: true }));
