import type { Command } from "commander";
import type { WrittenSnapshot } from "../../service/index-snapshots.js";
import { contextOf, type GlobalOptions, withGatehouse } from "../context.js";

const mib = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(1)} MiB`;

function describe(written: WrittenSnapshot): string {
  const what = `index snapshot of tenant \`${written.tenant}\` at revision ${written.revision}: ${written.relationships.toLocaleString("en")} relationships, ${mib(written.bytes)} (encoded in ${Math.round(written.encodeMs)} ms)`;
  return written.kept ? `wrote ${what}` : `kept the newer snapshot already stored; did not write ${what}`;
}

/**
 * `gatehouse index`: the in-memory index's snapshots, which a process loads instead of building
 * the index from the store's rows (a server writes them by itself after enough writes; an
 * import writes one when it ends).
 */
export function registerIndex(program: Command, globals: () => GlobalOptions): void {
  const index = program.command("index").description("snapshots of the permission index, for fast starts");
  index
    .command("snapshot")
    .option("--all-tenants", "every tenant, not only --tenant")
    .description("write a snapshot of the tenant's index at the store's head (loads it from the store first)")
    .action(async (options: { allTenants?: boolean }) => {
      const context = contextOf(globals());
      const written = await withGatehouse(context, async (g) => {
        const tenants = options.allTenants ? await g.tenants() : [context.tenant];
        const out: WrittenSnapshot[] = [];
        for (const tenant of tenants) {
          out.push(await g.writeIndexSnapshot(tenant));
          // One tenant's index at a time: the next load must not hold this one too.
          g.engine.dropTenant(tenant);
        }
        return out;
      });
      context.out.result(written.map(describe).join("\n") || "no tenants", written);
    });
  index
    .command("list")
    .description("list the stored index snapshots: tenant, revision, size, when written")
    .action(async () => {
      const context = contextOf(globals());
      const snapshots = await withGatehouse(context, (g) => g.store.listIndexSnapshots());
      context.out.result(
        snapshots
          .map(
            (s) => `${s.tenant}\trevision ${s.revision}\t${mib(s.bytes)}\tformat ${s.format}\t${s.createdAt}`,
          )
          .join("\n") || "no index snapshots",
        snapshots,
      );
    });
}
