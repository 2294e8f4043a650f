import type { Database } from "better-sqlite3";
import { GatehouseError } from "../../model/errors.js";
import { type AuditHead, auditHash, type ChainRow } from "../common/audit-chain.js";
import { encodePage, PAGE_SIZE, pageValues } from "../common/decision-pages.js";
import { DECISION_COLUMNS, type DecisionRow, toDecisionRecord } from "../common/decision-rows.js";

/**
 * The SQLite store's schema, as an append-only list: a store file records the versions applied to
 * it, so a released migration is never edited; a change is a new migration at the end.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  /** SQL run as one script, or a function for changes that need to look at the data. */
  readonly up: string | ((db: Database) => void);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "revisions, tenants, relationships and schema versions",
    // Tables are STRICT so that a wrong type from a future bug fails loudly instead of being
    // coerced. `tenant` is NULL on store-wide revisions (schema writes).
    up: `
      CREATE TABLE revisions (
        revision INTEGER PRIMARY KEY,
        tenant TEXT,
        kind TEXT NOT NULL,
        actor TEXT,
        reason TEXT,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE tenants (
        name TEXT PRIMARY KEY,
        first_revision INTEGER NOT NULL REFERENCES revisions (revision)
      ) STRICT, WITHOUT ROWID;

      -- Clustered on the tuple so that reads by resource and a tenant scan walk the table in
      -- order without a second lookup; the trailing created_revision keeps a tuple that was
      -- deleted and created again as separate rows. '' is SpiceDB's '...' (no subject relation).
      CREATE TABLE relationships (
        tenant TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        relation TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        subject_relation TEXT NOT NULL,
        created_revision INTEGER NOT NULL REFERENCES revisions (revision),
        deleted_revision INTEGER REFERENCES revisions (revision),
        PRIMARY KEY (
          tenant, resource_type, resource_id, relation,
          subject_type, subject_id, subject_relation, created_revision
        ),
        CHECK (deleted_revision IS NULL OR deleted_revision > created_revision)
      ) STRICT, WITHOUT ROWID;

      -- INVARIANT: a tuple is live at most once; writes rely on this to detect conflicts.
      CREATE UNIQUE INDEX relationships_live ON relationships (
        tenant, resource_type, resource_id, relation, subject_type, subject_id, subject_relation
      ) WHERE deleted_revision IS NULL;

      CREATE INDEX relationships_by_subject ON relationships (
        tenant, subject_type, subject_id, subject_relation, resource_type, relation
      );

      CREATE INDEX relationships_by_created ON relationships (created_revision);

      CREATE INDEX relationships_by_deleted ON relationships (deleted_revision)
        WHERE deleted_revision IS NOT NULL;

      CREATE TABLE schema_versions (
        version INTEGER PRIMARY KEY,
        revision INTEGER NOT NULL UNIQUE REFERENCES revisions (revision),
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        author TEXT
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: "changes, approvals, guards versions and the audit log",
    // JSON columns hold relationships in tuple syntax (`document:a#viewer@user:ann`) so that a
    // person reading the file sees what a change does. States and intents are not CHECKed here:
    // the changes layer owns their meaning and a new one must not need a table rebuild.
    // base_revision and audit revisions have no foreign key: a plan may be made at revision 0.
    up: `
      CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        tenant TEXT NOT NULL,
        intent TEXT NOT NULL,
        reason TEXT NOT NULL,
        author TEXT NOT NULL,
        state TEXT NOT NULL,
        spec TEXT NOT NULL CHECK (json_valid(spec)),
        created_at TEXT NOT NULL,
        plan TEXT CHECK (plan IS NULL OR json_valid(plan)),
        base_revision INTEGER,
        applied_revision INTEGER REFERENCES revisions (revision),
        applied TEXT CHECK (applied IS NULL OR json_valid(applied)),
        revert_of INTEGER REFERENCES changes (id),
        reverted_by INTEGER REFERENCES changes (id)
      ) STRICT;

      -- Lists are newest first; the rowid (id) trailing each index keeps them in that order.
      CREATE INDEX changes_by_tenant ON changes (tenant);
      CREATE INDEX changes_by_state ON changes (state);

      CREATE TABLE approvals (
        change_id INTEGER NOT NULL REFERENCES changes (id),
        principal TEXT NOT NULL,
        at TEXT NOT NULL,
        comment TEXT,
        UNIQUE (change_id, principal)
      ) STRICT;

      CREATE TABLE guards_versions (
        version INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      -- Append-only: rows are never updated or deleted (a later migration chains them by hash).
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        tenant TEXT,
        target TEXT NOT NULL,
        reason TEXT,
        revision INTEGER,
        details TEXT CHECK (details IS NULL OR json_valid(details))
      ) STRICT;

      CREATE INDEX audit_log_by_target ON audit_log (target);
      CREATE INDEX audit_log_by_tenant ON audit_log (tenant);
    `,
  },
  {
    version: 3,
    description: "API tokens",
    // A revoked token stays (the audit log names it) and its name may be given to a new token,
    // so the name is unique among live tokens only. `tenants` is a JSON list, NULL for all.
    up: `
      CREATE TABLE tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        tenants TEXT CHECK (tenants IS NULL OR json_valid(tenants)),
        secret_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;

      CREATE UNIQUE INDEX tokens_live_name ON tokens (name) WHERE revoked_at IS NULL;
    `,
  },
  {
    version: 4,
    description: "the audit log's hash chain and head",
    // Existing records are chained in seq order, as if each had been appended with its hash.
    // The head is one row, (seq, hash) of the last record, moved by every append.
    up: (db) => {
      db.exec(`
        ALTER TABLE audit_log ADD COLUMN previous_hash TEXT;
        ALTER TABLE audit_log ADD COLUMN hash TEXT;
        CREATE TABLE audit_head (
          one INTEGER PRIMARY KEY CHECK (one = 1),
          seq INTEGER NOT NULL,
          hash TEXT
        ) STRICT;
      `);
      // The columns are spelled out: a migration must mean the same after later ones add more.
      const rows = db
        .prepare(
          "SELECT seq, at, actor, action, tenant, target, reason, revision, details FROM audit_log ORDER BY seq",
        )
        .all() as Omit<ChainRow, "previousHash" | "hash">[];
      const update = db.prepare("UPDATE audit_log SET previous_hash = ?, hash = ? WHERE seq = ?");
      let head: AuditHead = { seq: 0, hash: null };
      for (const row of rows) {
        const hash = auditHash({ ...row, previousHash: head.hash });
        update.run(head.hash, hash, row.seq);
        head = { seq: row.seq, hash };
      }
      db.prepare("INSERT INTO audit_head (one, seq, hash) VALUES (1, ?, ?)").run(head.seq, head.hash);
    },
  },
  {
    version: 5,
    description: "decision log",
    // Written in batches off the check path and purged by age: the indexes serve the purge and
    // the time window (`at`) and the incident and replay reads (tenant, then a revision range).
    up: `
      CREATE TABLE decisions (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        tenant TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        permission TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        subject_relation TEXT NOT NULL,
        allowed INTEGER NOT NULL CHECK (allowed IN (0, 1)),
        revision INTEGER NOT NULL
      ) STRICT;

      CREATE INDEX decisions_by_at ON decisions (at);
      CREATE INDEX decisions_by_tenant_revision ON decisions (tenant, revision);
    `,
  },
  {
    version: 7,
    description: "shadow evaluation",
    // One session runs at a time (the partial unique index). Processes add their observations
    // as increments. A divergent check's candidate answer is the opposite of `active`, so only
    // `active` is stored; the cap on kept checks is counted in `kept`.
    up: `
      CREATE TABLE shadow_sessions (
        id INTEGER PRIMARY KEY,
        change_id INTEGER NOT NULL REFERENCES changes (id),
        schema_text TEXT NOT NULL,
        started_at TEXT NOT NULL,
        started_by TEXT NOT NULL,
        stopped_at TEXT,
        stopped_by TEXT,
        checks INTEGER NOT NULL DEFAULT 0,
        kept INTEGER NOT NULL DEFAULT 0,
        truncated INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE UNIQUE INDEX shadow_sessions_one_running ON shadow_sessions ((stopped_at IS NULL))
        WHERE stopped_at IS NULL;

      CREATE TABLE shadow_counts (
        session INTEGER NOT NULL REFERENCES shadow_sessions (id),
        tenant TEXT NOT NULL,
        permission TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('would_block', 'would_allow')),
        count INTEGER NOT NULL,
        PRIMARY KEY (session, tenant, permission, direction)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE shadow_divergences (
        session INTEGER NOT NULL REFERENCES shadow_sessions (id),
        tenant TEXT NOT NULL,
        resource TEXT NOT NULL,
        permission TEXT NOT NULL,
        subject TEXT NOT NULL,
        active INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (session, tenant, resource, permission, subject, active)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    description: "staged rollouts",
    // One row per rollout; the partial unique index is what makes "one rollout at a time" hold
    // for every process writing the file, not only for the one that checked first.
    up: `
      CREATE TABLE rollouts (
        id INTEGER PRIMARY KEY,
        change_id INTEGER NOT NULL REFERENCES changes (id),
        state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'rolled_back')),
        step INTEGER NOT NULL,
        tenants TEXT NOT NULL CHECK (json_valid(tenants)),
        percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
        monitor TEXT NOT NULL CHECK (json_valid(monitor)),
        started_at TEXT NOT NULL,
        started_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        ended_at TEXT,
        ended_by TEXT,
        end_reason TEXT,
        trip TEXT CHECK (trip IS NULL OR json_valid(trip)),
        version INTEGER NOT NULL
      ) STRICT;

      CREATE UNIQUE INDEX rollouts_one_running ON rollouts (state) WHERE state = 'running';
    `,
  },
  {
    version: 9,
    description: "subject and tenant lifecycle: deletion, restore, merge and purge records; retention",
    // A lifecycle record names what a change deletes, restores, merges or purges, so that a
    // restore or a purge finds exactly the deletions of that subject and nothing else.
    up: `
      CREATE TABLE lifecycle_changes (
        change_id INTEGER PRIMARY KEY REFERENCES changes (id),
        kind TEXT NOT NULL CHECK (kind IN ('delete', 'restore', 'merge', 'purge')),
        scope TEXT NOT NULL CHECK (scope IN ('subject', 'tenant')),
        tenant TEXT NOT NULL,
        target TEXT NOT NULL,
        details TEXT NOT NULL CHECK (json_valid(details))
      ) STRICT;

      CREATE INDEX lifecycle_changes_target ON lifecycle_changes (tenant, scope, target);

      CREATE TABLE store_settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 10,
    description: "decision log in pages",
    // One row per check cost the check path about a fifth of its throughput; pages of up to a
    // thousand decisions (`common/decision-pages.ts`) cost about one percent. Recorded decisions
    // move into pages in order, keeping their sequence numbers, and the row table goes.
    up: (db) => {
      db.exec(`
        CREATE TABLE decision_pages (
          base_seq INTEGER PRIMARY KEY,
          first_seq INTEGER NOT NULL,
          last_seq INTEGER NOT NULL,
          count INTEGER NOT NULL CHECK (count > 0),
          first_at TEXT NOT NULL,
          last_at TEXT NOT NULL,
          min_revision INTEGER NOT NULL,
          max_revision INTEGER NOT NULL,
          body TEXT NOT NULL
        ) STRICT;

        CREATE INDEX decision_pages_by_last_at ON decision_pages (last_at);
        CREATE INDEX decision_pages_by_first_at ON decision_pages (first_at);

        CREATE TABLE decision_head (
          one INTEGER PRIMARY KEY CHECK (one = 1),
          next_seq INTEGER NOT NULL
        ) STRICT;
      `);
      const rows = db
        .prepare(`SELECT ${DECISION_COLUMNS} FROM decisions ORDER BY seq`)
        .raw()
        .all() as DecisionRow[];
      const insert = db.prepare(
        "INSERT INTO decision_pages (base_seq, first_seq, last_seq, count, first_at, last_at, min_revision, max_revision, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      );
      for (let start = 0; start < rows.length; start += PAGE_SIZE) {
        const records = rows.slice(start, start + PAGE_SIZE).map(toDecisionRecord);
        insert.run(...pageValues(encodePage(records, records[0]!.seq, (i) => records[i]!.seq)));
      }
      const last = rows.at(-1);
      db.prepare("INSERT INTO decision_head (one, next_seq) VALUES (1, ?)").run(last ? last[0] + 1 : 1);
      db.exec("DROP TABLE decisions");
    },
  },
  {
    version: 11,
    description: "revisions record their door and request id",
    // "Who made this write" is asked by actor and by time; the door (`cli`, `http`, `library`,
    // `change 12`) and the request id are new columns, empty on older revisions.
    up: `
      ALTER TABLE revisions ADD COLUMN door TEXT;
      ALTER TABLE revisions ADD COLUMN request_id TEXT;
      CREATE INDEX revisions_by_actor ON revisions (actor, revision);
      CREATE INDEX revisions_by_tenant ON revisions (tenant, revision);
    `,
  },
  {
    version: 12,
    description: "approvals name the plan they approve",
    // An approval counts only for the plan it names (`Plan.planId`); a principal may approve each
    // new plan of a change. The key becomes (change, principal, plan), which needs a table
    // rebuild in SQLite. Approvals recorded before keep '' (no plan), in their order (rowid).
    up: `
      CREATE TABLE approvals_by_plan (
        change_id INTEGER NOT NULL REFERENCES changes (id),
        principal TEXT NOT NULL,
        at TEXT NOT NULL,
        comment TEXT,
        plan TEXT NOT NULL DEFAULT '',
        UNIQUE (change_id, principal, plan)
      ) STRICT;
      INSERT INTO approvals_by_plan (rowid, change_id, principal, at, comment)
        SELECT rowid, change_id, principal, at, comment FROM approvals ORDER BY rowid;
      DROP TABLE approvals;
      ALTER TABLE approvals_by_plan RENAME TO approvals;
      `,
  },
  {
    version: 14,
    description: "decision log losses and per-process tallies",
    up: `
      CREATE TABLE decision_losses (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        process TEXT NOT NULL,
        reason TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count > 0),
        first_at TEXT NOT NULL,
        last_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX decision_losses_by_last_at ON decision_losses (last_at);

      CREATE TABLE decision_tallies (
        process TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        written_at TEXT NOT NULL,
        answered INTEGER NOT NULL,
        recorded INTEGER NOT NULL,
        lost INTEGER NOT NULL,
        ended INTEGER NOT NULL DEFAULT 0
      ) STRICT;
    `,
  },
  {
    version: 15,
    description: "relationships carry a caveat (name and JSON context) and an expiration",
    // All three NULL for a plain relationship. `expires_at` is spelled with nine fraction digits
    // (\`trait-columns.ts\`) so that text order is time order; the partial index serves the
    // collection of expired rows without growing with the plain ones.
    up: `
      ALTER TABLE relationships ADD COLUMN caveat_name TEXT;
      ALTER TABLE relationships ADD COLUMN caveat_context TEXT;
      ALTER TABLE relationships ADD COLUMN expires_at TEXT;
      CREATE INDEX relationships_by_expiry ON relationships (expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
  {
    version: 16,
    description: "index snapshots: the newest snapshot of each tenant's in-memory index",
    // One row a tenant (the newest replaces the one before): a snapshot is a cache of what the
    // relationship rows say at `revision`, kept beside them so that every node of a store reads
    // it and a purge removes it in its own transaction (src/engine/index-snapshot.ts). The bytes
    // are kept in chunks, read a few at a time: one BLOB of 35 MB is held twice while read (by
    // the database and by the process), and a bytea travels as hex text.
    up: `
      CREATE TABLE index_snapshots (
        tenant TEXT PRIMARY KEY,
        revision INTEGER NOT NULL,
        format INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        size INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE index_snapshot_chunks (
        tenant TEXT NOT NULL,
        chunk INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (tenant, chunk)
      ) STRICT;
    `,
  },
  {
    version: 17,
    description: "cluster nodes and their heartbeats",
    // One row per node of `serve --cluster`; a node beats its own row, and the others judge it live while the beat
    // moves (src/cluster/node-registry.ts), so no clock is compared across machines.
    up: `
      CREATE TABLE nodes (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        started_at TEXT NOT NULL,
        beat INTEGER NOT NULL,
        beat_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 21,
    description: "cluster nodes: the address of each node's SpiceDB gRPC door",
    // Null for a node without the door (`--no-grpc`, or its port taken): gRPC calls are then not forwarded to it.
    up: "ALTER TABLE nodes ADD COLUMN grpc_url TEXT",
  },
  {
    version: 22,
    description: "index snapshots: the tag of the copy kept as a file beside the store",
    // Drawn afresh for each snapshot written; its file (src/store/sqlite/snapshot-files.ts) is
    // read only when it carries the same tag. Null: no file (written before this migration).
    up: "ALTER TABLE index_snapshots ADD COLUMN file_tag TEXT",
  },
  {
    version: 23,
    description: "the audit log: one hash chain per tenant, and one store-wide",
    // As in PostgreSQL (where audited writes to different tenants then stop taking turns on one
    // head row; here writes take turns anyway): a record's place in its chain (null for the
    // records written before, which stay the one chain they were), a head per chain, and the
    // next seq, which the old head gave. The old head stays as it is: the base every chain
    // starts from (src/store/common/audit-chain.ts). The index finds a chain's records (a head
    // lost while its chain has records) and keeps two records from one place in a chain.
    up: `
      ALTER TABLE audit_log ADD COLUMN chain_seq INTEGER;
      CREATE UNIQUE INDEX audit_log_chain ON audit_log (coalesce(tenant, ''), chain_seq);
      CREATE TABLE audit_chains (
        chain TEXT PRIMARY KEY,
        chain_seq INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        hash TEXT
      ) STRICT;
      CREATE TABLE audit_seq (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        seq INTEGER NOT NULL
      ) STRICT;
      INSERT INTO audit_seq (one, seq)
        SELECT 1, max(coalesce((SELECT seq FROM audit_head), 0), coalesce((SELECT max(seq) FROM audit_log), 0));
    `,
  },
];

/**
 * Brings the file up to the newest migration. Each migration runs in its own IMMEDIATE
 * transaction and re-reads the applied version inside it, so two processes opening the same new
 * file at once apply each migration exactly once.
 */
export function applyMigrations(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS store_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const appliedVersion = db
    .prepare<[], number>("SELECT coalesce(max(version), 0) FROM store_migrations")
    .pluck();
  const record = db.prepare(
    "INSERT INTO store_migrations (version, description, applied_at) VALUES (?, ?, ?)",
  );
  const newest = migrations.at(-1)?.version ?? 0;

  const found = appliedVersion.get() ?? 0;
  if (found > newest) {
    throw new GatehouseError(
      "input",
      `the store was written by a newer Gatehouse (store schema version ${found}; this version knows up to ${newest})`,
    );
  }
  // A store that has every version (every open but the first after an upgrade) takes no write
  // lock: a transaction a migration, each waiting behind any writer, cost every command's open.
  const present = new Set(db.prepare<[], number>("SELECT version FROM store_migrations").pluck().all());
  if (migrations.every((migration) => present.has(migration.version))) return found;
  // Each version is applied when it is missing, not only when it is above the newest applied:
  // versions may be reserved and land later than higher ones (6 and 9 after 10), and a store
  // that already has 10 must still get them.
  const applied = db.prepare<[number], number>("SELECT 1 FROM store_migrations WHERE version = ?").pluck();
  for (const migration of migrations) {
    db.transaction(() => {
      if (applied.get(migration.version) !== undefined) return;
      if (typeof migration.up === "string") db.exec(migration.up);
      else migration.up(db);
      record.run(migration.version, migration.description, new Date().toISOString());
    }).immediate();
  }
  return appliedVersion.get() ?? 0;
}
