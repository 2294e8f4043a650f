import { existsSync } from "node:fs";
import type { Command } from "commander";
import { DEMO_SCHEMA, DEMO_TENANTS } from "../../demo/demo-data.js";
import { GatehouseError } from "../../model/errors.js";
import { parseRelationship } from "../../model/relationship.js";
import { Gatehouse } from "../../service/gatehouse.js";
import { addGrpcFlags, grpcOptions } from "../../spicedb/grpc-options.js";
import { contextOf, type GlobalOptions, withGatehouse } from "../context.js";
import { env } from "../env.js";
import { formatExplain, forTerminal } from "../output.js";
import { servingNow } from "../serving-marker.js";
import { parsePort, serve } from "./serve.js";

/** Who wrote a demo store's first revision, and why: how `--reset` knows a store is the demo's. */
const DEMO_ACTOR = "demo";
const DEMO_REASON = "demo store";

export function registerDemo(program: Command, globals: () => GlobalOptions): void {
  const command = program
    .command("demo")
    .option("--reset", "replace the demo store if it exists")
    .option(
      "--serve",
      "then run the HTTP server and SpiceDB's gRPC API on the demo store, with a demo admin token",
    )
    .option("--port <port>", "port for --serve", "8080");
  // --serve runs what `serve` runs, SpiceDB's gRPC API included, with the same flags.
  addGrpcFlags(command)
    .description("create a demo store (default ./gatehouse-demo.db) and walk through a few checks")
    .action(async (options) => {
      const given = globals();
      const store = given.store ?? env("GATEHOUSE_STORE") ?? "./gatehouse-demo.db";
      const context = contextOf({ ...given, store });
      const path = context.storeLocation;
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path === ":memory:") {
        throw new GatehouseError("usage", `the demo writes a SQLite file; \`${path}\` is not a file path`);
      }
      if (existsSync(path)) {
        if (!options.reset) {
          throw new GatehouseError(
            "conflict",
            `\`${path}\` exists already; pass --reset to replace it, or --store to choose another file`,
          );
        }
        await refuseToReplace(path);
        await Gatehouse.removeSqliteStore(path);
      }
      const g = await Gatehouse.open(path);
      const lines: string[] = [];
      try {
        await g.writeSchema(DEMO_SCHEMA, { actor: DEMO_ACTOR, reason: DEMO_REASON });
        for (const [tenant, tuples] of Object.entries(DEMO_TENANTS)) {
          await g.importRelationships(tenant, tuples.join("\n"), { actor: "demo", door: "cli" });
          lines.push(`tenant ${tenant}: ${tuples.length} relationships`);
        }
        const ask = async (tenant: string, query: string, explain = false) => {
          const q = parseRelationship(query, undefined, "permission");
          const request = { resource: q.resource, permission: q.relation, subject: q.subject };
          const { allowed } = await g.check(tenant, request);
          lines.push(`  [${tenant}] ${query} → ${allowed}`);
          if (explain) lines.push(formatExplain((await g.explain(tenant, request)).tree, "      "));
        };
        lines.push("", "checks:");
        await ask("acme", "document:runbook#edit@user:bob", true);
        await ask("acme", "document:postmortem#view@user:bob", true);
        await ask("acme", "document:onboarding#view@user:zoe");
        await ask("acme", "document:nda#view@user:bob");
        await ask("globex", "document:runbook#view@user:ann");
        const { resources } = await g.lookupResources("acme", "document", "view", {
          type: "user",
          id: "ann",
        });
        lines.push("", `user:ann can view in acme: ${resources.map((r) => `document:${r.id}`).join(", ")}`);
      } finally {
        await g.close();
      }
      lines.push(
        "",
        `demo store written to ${path}; try:`,
        `  gatehouse --store ${path} --tenant acme permission check document:nda view user:ann --explain`,
        `  gatehouse --store ${path} --tenant acme permission lookup-subjects document:runbook edit user`,
        `  gatehouse --store ${path} schema read`,
      );
      if (!options.serve) {
        context.out.result(lines.join("\n"), { store: path, tenants: Object.keys(DEMO_TENANTS) });
        return;
      }
      const admin = await withGatehouse({ ...context, storeLocation: path }, (g) =>
        g.tokens.create({ name: "demo-admin", role: "admin", tenants: null, actor: "demo" }),
      );
      process.stdout.write(`${forTerminal(lines.join("\n"), { tokens: false })}\n`);
      await serve({
        store: path,
        host: "127.0.0.1",
        port: parsePort(options.port),
        grpc: grpcOptions(options),
        banner: (url) =>
          [
            "",
            `Gatehouse is serving the demo store at ${url}`,
            `  console:  ${url}/console   (paste the token below)`,
            `  API docs: ${url}/docs`,
            `  token:    ${admin.secret}   (demo-admin, role admin)`,
            "",
            `  curl -s -H 'authorization: Bearer ${admin.secret}' -H 'content-type: application/json' \\`,
            `    -d '{"resource":"document:runbook","permission":"edit","subject":"user:bob","explain":true}' ${url}/v1/tenants/acme/check`,
            "",
            "Ctrl-C stops it.",
          ].join("\n"),
      });
    });
}

/**
 * `demo --reset` deletes a file: only one the demo wrote (its first revision is the demo's
 * schema), and never one a running server has open (see `serving-marker.ts`).
 */
async function refuseToReplace(path: string): Promise<void> {
  const serving = servingNow(path);
  if (serving) {
    throw new GatehouseError(
      "conflict",
      `\`${path}\` is open in a running server (pid ${serving.pid}, ${serving.url}): the demo will not delete it under the server; ` +
        "use that store as it is (its console shows what the CLI does), stop the server first, or pass --store to choose another file",
    );
  }
  let first: { actor: string | null; reason: string | null } | undefined;
  try {
    const g = await Gatehouse.open(path, { decisionLog: { sample: 0 } });
    try {
      first = await g.revisionRecord(1);
    } finally {
      await g.close();
    }
  } catch {
    first = undefined;
  }
  if (first?.actor !== DEMO_ACTOR || first.reason !== DEMO_REASON) {
    throw new GatehouseError(
      "conflict",
      `\`${path}\` is not a demo store (the demo did not write it): demo --reset only replaces a store it wrote; pass --store to choose another file`,
    );
  }
}
