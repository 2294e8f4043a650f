import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { purgedTargetName } from "../../src/changes/purge-scrub.js";
import { GatehouseError } from "../../src/model/errors.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { openStore } from "../../src/store/open-store.js";
import { POSTGRES_BASE, postgresUrlForTest } from "../support/postgres.js";

/**
 * Issue 17.18: after a purge, nothing in the store names the purged subject's relationships
 * except the export bundle and what the hash-chained audit log must keep. Every table's text is
 * searched, on both stores.
 */
const SCHEMA = `definition user {}
definition account {
  relation member: user
  permission access = member
}
definition doc {
  relation account: account
  relation viewer: user
  permission view = viewer + account->access
}`;

const SUBJECT = "account:zq7";
const TUPLES = ["account:zq7#member@user:ann", "doc:d1#account@account:zq7", "doc:d2#account@account:zq7"];
const DAY = 86_400_000;

/** Every row of every table as JSON text, by table. */
type Dump = Map<string, string[]>;

const dir = mkdtempSync(join(tmpdir(), "gatehouse-purge-complete-"));
const postgres = await postgresUrlForTest("purge_complete");
const stores: Array<[string, () => { location: string; dump: () => Promise<Dump> }]> = [
  [
    "SQLite",
    () => {
      const location = join(dir, `store-${Math.random().toString(36).slice(2)}.db`);
      return {
        location,
        async dump() {
          const db = new Database(location, { readonly: true });
          const out: Dump = new Map();
          for (const table of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all())
            out.set(
              table as string,
              db
                .prepare(`SELECT * FROM "${table}"`)
                .all()
                .map((row) => JSON.stringify(row)),
            );
          db.close();
          return out;
        },
      };
    },
  ],
];
if (!postgres.skip)
  stores.push([
    "PostgreSQL",
    () => ({
      location: postgres.url!,
      async dump() {
        const schema = new URL(postgres.url!).searchParams.get("schema")!;
        const client = new pg.Client({ connectionString: POSTGRES_BASE });
        await client.connect();
        const out: Dump = new Map();
        const tables = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = $1", [schema]);
        for (const { tablename } of tables.rows) {
          const rows = await client.query(
            `SELECT row_to_json(t)::text AS j FROM "${schema}"."${tablename}" t`,
          );
          out.set(
            tablename,
            rows.rows.map((r) => r.j as string),
          );
        }
        await client.end();
        return out;
      },
    }),
  ]);
afterAll(() => postgres.drop?.());

/** Whether a text names the subject or one of its tuples (not `account:zq70`). */
const names = (text: string) =>
  TUPLES.some((t) => text.includes(t)) ||
  /account:zq7(?![A-Za-z0-9/_|\-=+])/.test(text) ||
  text.includes("account_zq7") ||
  // A filter naming it (`subject_type: account`, `subject_id: zq7`), as JSON inside JSON.
  /(subjectId|resourceId)\W+zq7\W/.test(text);

async function rejection(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe.each(stores)("a purge is complete on %s", (_name, make) => {
  it("leaves no name of the purged subject or its relationships outside the audit chain", async () => {
    const { location, dump } = make();
    let time = Date.parse("2030-01-01T00:00:00Z");
    const now = () => new Date(time);
    const g = await Gatehouse.withStore(await openStore(location, { now }), { now, rolloutPollMs: 0 });
    await g.writeSchema(SCHEMA);
    await g.importRelationships(
      "acme",
      ["account:zq7#member@user:ann", "account:zq70#member@user:bob", "doc:d3#viewer@user:ann"].join("\n"),
    );
    const who = { tenant: "acme", actor: "ann" };
    const land = async (id: number, comment?: string) => {
      const { plan } = await g.changes.plan(id, { actor: "ann" });
      if (plan.blocked) await g.changes.approve(id, { actor: "bob", ...(comment ? { comment } : {}) });
      await g.changes.apply(id, { actor: "ann" });
    };
    // A grant that names the subject in its reason and tuples, and another that does not.
    const grant = await g.changes.propose(
      parseChangeFile(
        "intent: grant\nreason: give d1 and d2 to account:zq7\nwrite:\n  - doc:d1#account@account:zq7\n  - doc:d2#account@account:zq7\n  - doc:d4#viewer@user:ann\n",
      ),
      { ...who, actor: "dev" },
    );
    await land(grant.id);
    const other = await g.changes.propose(
      parseChangeFile("intent: grant\nreason: bob reads d5\nwrite:\n  - doc:d5#viewer@user:bob\n"),
      who,
    );
    await land(other.id);
    // A cleanup that selects the subject by a filter, proposed and left alone.
    const cleanup = await g.changes.propose(
      parseChangeFile(
        "intent: cleanup\nreason: tidy\ndelete_where:\n  - resource_type: doc\n    subject_type: account\n    subject_id: zq7\n",
      ),
      who,
    );
    // Deleted, restored, deleted again; a second restore is proposed and left pending.
    await land((await g.lifecycle.delete("subject", SUBJECT, who)).id, "ok to drop account:zq7");
    await land((await g.lifecycle.restore("subject", SUBJECT, who)).id);
    await land((await g.lifecycle.delete("subject", SUBJECT, who)).id);
    const pending = await g.lifecycle.restore("subject", SUBJECT, who);
    await g.changes.plan(pending.id, { actor: "ann" });

    time += 31 * DAY;
    const { change: purge } = await g.lifecycle.purge("subject", SUBJECT, {
      ...who,
      exportDir: join(dir, "exports"),
    });
    await g.changes.plan(purge.id, { actor: "ann" });
    await g.changes.approve(purge.id, { actor: "bob" });
    const beforeApply = (await g.store.listAudit()).length;
    const applied = await g.changes.apply(purge.id, { actor: "ann" });
    expect(applied.change.state).toBe("applied");
    expect((await g.store.verifyAudit()).ok).toBe(true);

    // The store still knows the subject was deleted and purged, by its digest.
    const restore = await rejection(g.lifecycle.restore("subject", SUBJECT, who));
    expect(restore.message).toContain(`was purged for good by change ${purge.id}`);
    const again = await rejection(
      g.lifecycle.purge("subject", SUBJECT, { ...who, exportDir: join(dir, "exports") }),
    );
    expect(again.message).toContain(`was purged already by change ${purge.id}`);
    expect((await rejection(g.changes.plan(pending.id, { actor: "ann" }))).message).toContain(
      "purged for good",
    );
    expect((await g.changes.get(cleanup.id)).spec.deleteWhere).toEqual([]);
    // The deletion's record no longer holds what it deleted, so it cannot be reverted either.
    const deletions = (await g.store.listChanges({ tenant: "acme" })).filter((c) => c.intent === "delete");
    const revert = await rejection(g.changes.revert(deletions[0]!.id, { actor: "ann" }));
    expect(revert.message).toContain("has nothing left to revert");
    // What other changes did to other subjects is still there.
    const kept = await g.changes.get(grant.id);
    expect(kept.spec.writes.map((r) => `${r.resource.type}:${r.resource.id}`)).toEqual(["doc:d4"]);
    expect((await g.changes.get(other.id)).reason).toBe("bob reads d5");
    const deletion = (await g.store.listLifecycle({ tenant: "acme", kind: "delete" }))[0]!;
    expect(deletion.target).toBe(purgedTargetName("acme", "subject", SUBJECT));
    const purgeChange = await g.changes.get(purge.id);
    expect((purgeChange.plan as { scrubbed?: unknown }).scrubbed).toBeDefined();
    expect((purgeChange.plan as { purge: { relationshipCount: number } }).purge.relationshipCount).toBe(3);
    await g.close();

    const tables = await dump();
    expect(tables.has("changes") && tables.has("lifecycle_changes") && tables.has("revisions")).toBe(true);
    const found: string[] = [];
    for (const [table, rows] of tables) {
      if (table === "audit_log") continue;
      for (const row of rows) if (names(row)) found.push(`${table}: ${row.slice(0, 300)}`);
    }
    expect(found).toEqual([]);
    // The audit chain keeps what it recorded before the purge; what the purge wrote names the
    // subject by its digest only.
    const audit = tables.get("audit_log")!.map((row) => JSON.parse(row) as { seq: number | string });
    const bySeq = (row: { seq: number | string }) => Number(row.seq);
    const written = audit.filter((row) => bySeq(row) > beforeApply);
    expect(written.length).toBeGreaterThan(0);
    expect(written.filter((row) => names(JSON.stringify(row)))).toEqual([]);
    expect(audit.some((row) => bySeq(row) <= beforeApply && names(JSON.stringify(row)))).toBe(true);
    // The bystander `account:zq70` is untouched.
    expect(tables.get("relationships")!.some((row) => row.includes("zq70"))).toBe(true);
  });
});
