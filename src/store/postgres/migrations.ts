import { GatehouseError } from "../../model/errors.js";
import { type AuditHead, auditHash } from "../common/audit-chain.js";
import { encodePage, PAGE_SIZE, pageValues } from "../common/decision-pages.js";
import { DECISION_COLUMNS, type DecisionRow, toDecisionRecord } from "../common/decision-rows.js";
import { INSERT_PAGE } from "../tables/decision-table.js";
import type { PostgresConnection, Sql } from "./connection.js";

/**
 * The PostgreSQL store's schema, as an append-only list like SQLite's (`../sqlite/migrations.ts`),
 * version for version: a released migration is never edited; a change is a new one at the end.
 *
 * Every text column that is compared or sorted is `COLLATE "C"`: byte order of UTF-8, which is
 * code point order, the order SQLite's BINARY collation gives. A database's default collation
 * (`en_US.UTF-8`, say) would sort `user:Zed` before `user:ann` and ignore punctuation in times.
 * Times are ISO text, as in SQLite, so both backends record exactly what the store clock said.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  /** SQL run as one script (in one transaction), or a function for changes that look at the data. */
  readonly up: string | ((sql: Sql) => Promise<void>);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "revisions, tenants, relationships and schema versions",
    // `counters` holds one row per store-wide sequence. A writer takes the next revision with an
    // UPDATE of its row, which locks the row until the writer commits: see `revisions.ts`.
    up: `
      CREATE TABLE counters (
        name TEXT COLLATE "C" PRIMARY KEY,
        value BIGINT NOT NULL
      );
      INSERT INTO counters (name, value) VALUES ('revision', 0);

      CREATE TABLE revisions (
        revision BIGINT PRIMARY KEY,
        tenant TEXT COLLATE "C",
        kind TEXT COLLATE "C" NOT NULL,
        actor TEXT COLLATE "C",
        reason TEXT,
        created_at TEXT COLLATE "C" NOT NULL
      );

      CREATE TABLE tenants (
        name TEXT COLLATE "C" PRIMARY KEY,
        first_revision BIGINT NOT NULL REFERENCES revisions (revision)
      );

      -- The primary key orders a tenant's rows by tuple, which is how reads and scans walk them;
      -- the trailing created_revision keeps a tuple that was deleted and created again as
      -- separate rows. '' is SpiceDB's '...' (no subject relation).
      CREATE TABLE relationships (
        tenant TEXT COLLATE "C" NOT NULL,
        resource_type TEXT COLLATE "C" NOT NULL,
        resource_id TEXT COLLATE "C" NOT NULL,
        relation TEXT COLLATE "C" NOT NULL,
        subject_type TEXT COLLATE "C" NOT NULL,
        subject_id TEXT COLLATE "C" NOT NULL,
        subject_relation TEXT COLLATE "C" NOT NULL,
        created_revision BIGINT NOT NULL REFERENCES revisions (revision),
        deleted_revision BIGINT REFERENCES revisions (revision),
        PRIMARY KEY (
          tenant, resource_type, resource_id, relation,
          subject_type, subject_id, subject_relation, created_revision
        ),
        CHECK (deleted_revision IS NULL OR deleted_revision > created_revision)
      );

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
        revision BIGINT NOT NULL UNIQUE REFERENCES revisions (revision),
        text TEXT NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        author TEXT COLLATE "C"
      );
    `,
  },
  {
    version: 2,
    description: "changes, approvals, guards versions and the audit log",
    // As in SQLite: JSON columns hold relationships in tuple syntax; states and intents are not
    // CHECKed; base_revision and audit revisions have no foreign key. The audit counter gives
    // records their seq under a lock, so seq order is commit order (a later hash chain needs it).
    up: `
      INSERT INTO counters (name, value) VALUES ('audit', 0);

      CREATE TABLE changes (
        id BIGINT PRIMARY KEY,
        tenant TEXT COLLATE "C" NOT NULL,
        intent TEXT COLLATE "C" NOT NULL,
        reason TEXT NOT NULL,
        author TEXT COLLATE "C" NOT NULL,
        state TEXT COLLATE "C" NOT NULL,
        spec JSON NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        plan JSON,
        base_revision BIGINT,
        applied_revision BIGINT REFERENCES revisions (revision),
        applied JSON,
        revert_of BIGINT REFERENCES changes (id),
        reverted_by BIGINT REFERENCES changes (id)
      );

      CREATE INDEX changes_by_tenant ON changes (tenant, id);
      CREATE INDEX changes_by_state ON changes (state, id);

      CREATE TABLE approvals (
        position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        change_id BIGINT NOT NULL REFERENCES changes (id),
        principal TEXT COLLATE "C" NOT NULL,
        at TEXT COLLATE "C" NOT NULL,
        comment TEXT,
        UNIQUE (change_id, principal)
      );

      CREATE TABLE guards_versions (
        version INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        author TEXT COLLATE "C" NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL
      );

      -- Append-only: rows are never updated or deleted (a later migration chains them by hash).
      CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY,
        at TEXT COLLATE "C" NOT NULL,
        actor TEXT COLLATE "C" NOT NULL,
        action TEXT COLLATE "C" NOT NULL,
        tenant TEXT COLLATE "C",
        target TEXT COLLATE "C" NOT NULL,
        reason TEXT,
        revision BIGINT,
        details JSON
      );

      CREATE INDEX audit_log_by_target ON audit_log (target);
      CREATE INDEX audit_log_by_tenant ON audit_log (tenant);
    `,
  },
  {
    version: 3,
    description: "API tokens",
    // As in SQLite: a revoked token stays, and its name is unique among live tokens only.
    up: `
      CREATE TABLE tokens (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL,
        role TEXT COLLATE "C" NOT NULL,
        tenants JSON,
        secret_hash TEXT COLLATE "C" NOT NULL UNIQUE,
        created_at TEXT COLLATE "C" NOT NULL,
        revoked_at TEXT COLLATE "C"
      );

      CREATE UNIQUE INDEX tokens_live_name ON tokens (name) WHERE revoked_at IS NULL;
    `,
  },
  {
    version: 4,
    description: "the audit log's hash chain and head",
    // As in SQLite: existing records are chained in seq order, and the head is one row, (seq,
    // hash) of the last record, moved by every append; it replaces the `audit` counter as the
    // lock that serializes audited acts and as the source of seqs. Details are hashed as their stored text
    // (a JSON column keeps it as written). The columns are spelled out so that this migration
    // means the same after later ones add more.
    up: async (sql) => {
      await sql.run(`
        ALTER TABLE audit_log ADD COLUMN previous_hash TEXT COLLATE "C", ADD COLUMN hash TEXT COLLATE "C";
        CREATE TABLE audit_head (
          one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
          seq BIGINT NOT NULL,
          hash TEXT COLLATE "C"
        );
      `);
      let head: AuditHead = { seq: 0, hash: null };
      for (;;) {
        const rows = await sql.rows<
          [number, string, string, string, string | null, string, string | null, number | null, string | null]
        >(
          `SELECT seq, at, actor, action, tenant, target, reason, revision, details
           FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000`,
          [head.seq],
        );
        if (rows.length === 0) break;
        const seqs: number[] = [];
        const links: (string | null)[] = [];
        const hashes: string[] = [];
        for (const [seq, at, actor, action, tenant, target, reason, revision, details] of rows) {
          const previousHash = head.hash;
          const hash = auditHash({
            seq,
            at,
            actor,
            action,
            tenant,
            target,
            reason,
            revision,
            details,
            previousHash,
          });
          seqs.push(seq);
          links.push(previousHash);
          hashes.push(hash);
          head = { seq, hash };
        }
        await sql.run(
          `UPDATE audit_log SET previous_hash = chain.previous_hash, hash = chain.hash
           FROM unnest($1::bigint[], $2::text[], $3::text[]) AS chain (seq, previous_hash, hash)
           WHERE audit_log.seq = chain.seq`,
          [seqs, links, hashes],
        );
      }
      await sql.run("INSERT INTO audit_head (seq, hash) VALUES ($1, $2)", [head.seq, head.hash]);
      // The head row is now the audit lock and sequence; a counter left behind would drift.
      await sql.run("DELETE FROM counters WHERE name = 'audit'");
    },
  },
  {
    version: 5,
    description: "decision log",
    // As in SQLite: the indexes serve the purge and time window, and tenant + revision range reads.
    up: `
      CREATE TABLE decisions (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at TEXT COLLATE "C" NOT NULL,
        tenant TEXT COLLATE "C" NOT NULL,
        resource_type TEXT COLLATE "C" NOT NULL,
        resource_id TEXT COLLATE "C" NOT NULL,
        permission TEXT COLLATE "C" NOT NULL,
        subject_type TEXT COLLATE "C" NOT NULL,
        subject_id TEXT COLLATE "C" NOT NULL,
        subject_relation TEXT COLLATE "C" NOT NULL,
        allowed BOOLEAN NOT NULL,
        revision BIGINT NOT NULL
      );

      CREATE INDEX decisions_by_at ON decisions (at);
      CREATE INDEX decisions_by_tenant_revision ON decisions (tenant, revision);
    `,
  },
  {
    version: 7,
    description: "shadow evaluation",
    // As in SQLite: one running session at a time; observations are added as increments.
    up: `
      CREATE TABLE shadow_sessions (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        change_id BIGINT NOT NULL REFERENCES changes (id),
        schema_text TEXT NOT NULL,
        started_at TEXT COLLATE "C" NOT NULL,
        started_by TEXT COLLATE "C" NOT NULL,
        stopped_at TEXT COLLATE "C",
        stopped_by TEXT COLLATE "C",
        checks BIGINT NOT NULL DEFAULT 0,
        kept BIGINT NOT NULL DEFAULT 0,
        truncated BOOLEAN NOT NULL DEFAULT FALSE
      );

      CREATE UNIQUE INDEX shadow_sessions_one_running ON shadow_sessions ((stopped_at IS NULL))
        WHERE stopped_at IS NULL;

      CREATE TABLE shadow_counts (
        session BIGINT NOT NULL REFERENCES shadow_sessions (id),
        tenant TEXT COLLATE "C" NOT NULL,
        permission TEXT COLLATE "C" NOT NULL,
        direction TEXT COLLATE "C" NOT NULL CHECK (direction IN ('would_block', 'would_allow')),
        count BIGINT NOT NULL,
        PRIMARY KEY (session, tenant, permission, direction)
      );

      CREATE TABLE shadow_divergences (
        session BIGINT NOT NULL REFERENCES shadow_sessions (id),
        tenant TEXT COLLATE "C" NOT NULL,
        resource TEXT COLLATE "C" NOT NULL,
        permission TEXT COLLATE "C" NOT NULL,
        subject TEXT COLLATE "C" NOT NULL,
        active BOOLEAN NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (session, tenant, resource, permission, subject, active)
      );
    `,
  },
  {
    version: 8,
    description: "staged rollouts",
    // As in SQLite: the partial unique index makes "one rollout at a time" hold across nodes.
    // JSON columns are TEXT so that both backends parse the same text.
    up: `
      CREATE TABLE rollouts (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        change_id BIGINT NOT NULL REFERENCES changes (id),
        state TEXT COLLATE "C" NOT NULL CHECK (state IN ('running', 'completed', 'rolled_back')),
        step INTEGER NOT NULL,
        tenants TEXT NOT NULL,
        percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
        monitor TEXT NOT NULL,
        started_at TEXT COLLATE "C" NOT NULL,
        started_by TEXT NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL,
        ended_at TEXT COLLATE "C",
        ended_by TEXT,
        end_reason TEXT,
        trip TEXT,
        version INTEGER NOT NULL
      );

      CREATE UNIQUE INDEX rollouts_one_running ON rollouts (state) WHERE state = 'running';
    `,
  },
  {
    version: 9,
    description: "subject and tenant lifecycle: deletion, restore, merge and purge records; retention",
    // As in SQLite: a lifecycle record names what a change deletes, restores, merges or purges.
    up: `
      CREATE TABLE lifecycle_changes (
        change_id BIGINT PRIMARY KEY REFERENCES changes (id),
        kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('delete', 'restore', 'merge', 'purge')),
        scope TEXT COLLATE "C" NOT NULL CHECK (scope IN ('subject', 'tenant')),
        tenant TEXT COLLATE "C" NOT NULL,
        target TEXT COLLATE "C" NOT NULL,
        details TEXT NOT NULL
      );

      CREATE INDEX lifecycle_changes_target ON lifecycle_changes (tenant, scope, target);

      CREATE TABLE store_settings (
        name TEXT COLLATE "C" PRIMARY KEY,
        value TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT COLLATE "C" NOT NULL
      );
    `,
  },
  {
    version: 10,
    description: "decision log in pages",
    // As in SQLite: decisions move into pages of up to a thousand, in order, keeping their
    // sequence numbers; the next number is the `decision` row of `counters`, whose row lock also
    // orders concurrent appends from several nodes.
    up: async (sql) => {
      await sql.run(`
        CREATE TABLE decision_pages (
          base_seq BIGINT PRIMARY KEY,
          first_seq BIGINT NOT NULL,
          last_seq BIGINT NOT NULL,
          count INTEGER NOT NULL CHECK (count > 0),
          first_at TEXT COLLATE "C" NOT NULL,
          last_at TEXT COLLATE "C" NOT NULL,
          min_revision BIGINT NOT NULL,
          max_revision BIGINT NOT NULL,
          body TEXT NOT NULL
        );

        CREATE INDEX decision_pages_by_last_at ON decision_pages (last_at);
        CREATE INDEX decision_pages_by_first_at ON decision_pages (first_at);
      `);
      const rows = await sql.rows<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions ORDER BY seq`);
      for (let start = 0; start < rows.length; start += PAGE_SIZE) {
        const records = rows.slice(start, start + PAGE_SIZE).map((row) => toDecisionRecord(row));
        await sql.run(INSERT_PAGE, pageValues(encodePage(records, records[0]!.seq, (i) => records[i]!.seq)));
      }
      // Numbering goes on after the last number the identity column ever gave, which can be
      // past the highest row left (purged rows), so a reader paging with `afterSeq` misses nothing.
      const counted = await sql.rows<[string]>(
        `SELECT GREATEST(
           coalesce((SELECT max(seq) FROM decisions), 0),
           coalesce(pg_sequence_last_value(pg_get_serial_sequence('decisions', 'seq')::regclass), 0)
         )::text`,
      );
      await sql.run("INSERT INTO counters (name, value) VALUES ('decision', $1)", [
        Number(counted[0]?.[0] ?? 0),
      ]);
      await sql.run("DROP TABLE decisions");
    },
  },
  {
    version: 11,
    description: "revisions record their door and request id",
    // As in SQLite: two new columns, empty on older revisions, and the lookups by actor and tenant.
    up: `
      ALTER TABLE revisions ADD COLUMN door TEXT COLLATE "C";
      ALTER TABLE revisions ADD COLUMN request_id TEXT COLLATE "C";
      CREATE INDEX revisions_by_actor ON revisions (actor, revision);
      CREATE INDEX revisions_by_tenant ON revisions (tenant, revision);
    `,
  },
  {
    version: 12,
    description: "approvals name the plan they approve",
    // As in SQLite: the key becomes (change, principal, plan); approvals recorded before keep ''.
    // The old key's name is looked up rather than assumed.
    up: async (sql) => {
      await sql.run(`ALTER TABLE approvals ADD COLUMN plan TEXT COLLATE "C" NOT NULL DEFAULT ''`);
      const keys = await sql.rows<[string]>(
        `SELECT conname::text FROM pg_constraint
          WHERE conrelid = 'approvals'::regclass AND contype = 'u'`,
      );
      for (const [name] of keys) await sql.run(`ALTER TABLE approvals DROP CONSTRAINT "${name}"`);
      await sql.run(
        "ALTER TABLE approvals ADD CONSTRAINT approvals_once_per_plan UNIQUE (change_id, principal, plan)",
      );
    },
  },
  {
    version: 14,
    description: "decision log losses and per-process tallies",
    up: `
      CREATE TABLE decision_losses (
        id BIGSERIAL PRIMARY KEY,
        process TEXT COLLATE "C" NOT NULL,
        reason TEXT NOT NULL,
        count BIGINT NOT NULL CHECK (count > 0),
        first_at TEXT COLLATE "C" NOT NULL,
        last_at TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX decision_losses_by_last_at ON decision_losses (last_at);

      CREATE TABLE decision_tallies (
        process TEXT COLLATE "C" PRIMARY KEY,
        started_at TEXT COLLATE "C" NOT NULL,
        saved_at TEXT COLLATE "C" NOT NULL,
        written_at TEXT COLLATE "C" NOT NULL,
        answered BIGINT NOT NULL,
        recorded BIGINT NOT NULL,
        lost BIGINT NOT NULL,
        ended BOOLEAN NOT NULL DEFAULT false
      );
    `,
  },
  {
    version: 15,
    description: "relationships carry a caveat (name and JSON context) and an expiration",
    // All three NULL for a plain relationship. `expires_at` is spelled with nine fraction digits
    // (\`trait-columns.ts\`) so that text order is time order; the partial index serves the
    // collection of expired rows without growing with the plain ones.
    up: `
      ALTER TABLE relationships ADD COLUMN caveat_name TEXT COLLATE "C";
      ALTER TABLE relationships ADD COLUMN caveat_context TEXT;
      ALTER TABLE relationships ADD COLUMN expires_at TEXT COLLATE "C";
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
        tenant TEXT COLLATE "C" PRIMARY KEY,
        revision BIGINT NOT NULL,
        format INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        size BIGINT NOT NULL
      );
      CREATE TABLE index_snapshot_chunks (
        tenant TEXT COLLATE "C" NOT NULL,
        chunk INTEGER NOT NULL,
        bytes BYTEA NOT NULL,
        PRIMARY KEY (tenant, chunk)
      );
    `,
  },
  {
    version: 17,
    description: "cluster nodes and their heartbeats",
    // One row per node of `serve --cluster`; a node beats its own row, and the others judge it live while the beat
    // moves (src/cluster/node-registry.ts), so no clock is compared across machines.
    up: `
      CREATE TABLE nodes (
        id TEXT COLLATE "C" PRIMARY KEY,
        url TEXT NOT NULL,
        started_at TEXT NOT NULL,
        beat BIGINT NOT NULL,
        beat_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 21,
    description: "cluster nodes: the address of each node's SpiceDB gRPC door",
    // Null for a node without the door (`--no-grpc`, or its port taken): gRPC calls are then not forwarded to it.
    up: "ALTER TABLE nodes ADD COLUMN grpc_url TEXT",
  },
  {
    // 23, not the 18 it was written as: a node of an older version (which knows up to 21) must
    // refuse a store whose writers number revisions this way, and it judges by the newest version.
    version: 23,
    description: "revision numbers from a sequence: writes to different tenants do not take turns on one row",
    // Writers take numbers from a sequence and hold an advisory lock keyed by their number until
    // they commit; readers see the head below the lowest number still held (src/store/sql/postgres-dialect.ts).
    // The functions keep each step's order, which one SQL statement would leave to the planner; they
    // name the sequence with its schema, as plpgsql resolves names by the caller's search_path.
    // The `revision` counter row stays, no longer used.
    up: async (sql) => {
      const [row] = await sql.rows<[string]>("SELECT quote_ident(current_schema())");
      const sequence = `${row![0]}.revision_numbers`;
      await sql.run(`
      CREATE SEQUENCE ${sequence} AS BIGINT MINVALUE 0 START WITH 0;
      SELECT setval('${sequence}', (SELECT value FROM counters WHERE name = 'revision'), true);
      CREATE FUNCTION take_revision(gate BIGINT, numbers INTEGER) RETURNS BIGINT LANGUAGE plpgsql AS $$
      DECLARE taken BIGINT; sequence CONSTANT regclass := '${sequence}';
      BEGIN
        PERFORM pg_advisory_lock_shared(gate);
        taken := nextval(sequence);
        PERFORM pg_advisory_xact_lock(numbers, taken::bit(32)::integer);
        PERFORM pg_advisory_unlock_shared(gate);
        RETURN taken;
      END $$;
      CREATE FUNCTION give_back_revision(gate BIGINT, numbers INTEGER, taken BIGINT) RETURNS BOOLEAN
      LANGUAGE plpgsql AS $$
      DECLARE back BOOLEAN; sequence CONSTANT regclass := '${sequence}';
      BEGIN
        PERFORM pg_advisory_lock(gate);
        -- Only the last number, and only while its writer still holds it: no reader has passed it.
        back := (SELECT last_value FROM ${sequence}) = taken AND EXISTS (
          SELECT 1 FROM pg_locks l
           WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND l.classid::bigint = (numbers::bigint & 4294967295)
             AND l.objid::bigint = (taken & 4294967295));
        IF back THEN
          PERFORM setval(sequence, taken - 1, true);
        END IF;
        PERFORM pg_advisory_unlock(gate);
        RETURN back;
      END $$;
      CREATE FUNCTION settled_revision(gate BIGINT, numbers INTEGER) RETURNS BIGINT LANGUAGE plpgsql AS $$
      DECLARE last BIGINT; gated BIGINT; lowest BIGINT;
      BEGIN
        FOR attempt IN 1..5000 LOOP
          SELECT last_value INTO last FROM ${sequence};
          SELECT count(*) FILTER (WHERE l.objsubid = 1),
                 min(last - ((last - l.objid::bigint) % 4294967296 + 4294967296) % 4294967296)
                   FILTER (WHERE l.objsubid = 2)
            INTO gated, lowest
            FROM pg_locks l
           WHERE l.locktype = 'advisory' AND l.granted
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND ((l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = gate)
               OR (l.objsubid = 2 AND l.classid::bigint = (numbers::bigint & 4294967295)));
          IF gated = 0 THEN
            RETURN coalesce(lowest - 1, last);
          END IF;
          PERFORM pg_sleep(0.001);
        END LOOP;
        RAISE EXCEPTION 'the revision gate has been held for over 5 seconds: a writer session is stuck between taking its number and holding it';
      END $$;
`);
    },
  },
  {
    version: 24,
    description: "the audit log: one hash chain per tenant, and one store-wide",
    // Audited writes to different tenants stopped taking turns on the one head row (issue 18):
    // each record now joins its tenant's chain (or the store-wide one), whose head row an
    // append locks, and takes its seq from a sequence (a rolled-back act leaves a gap; a chain
    // has none). Records written before keep their place in the one chain they were (chain_seq
    // null), and the old head stays as it is: the base every chain starts from
    // (src/store/common/audit-chain.ts). The index finds a chain's records (a head lost while
    // its chain has records) and keeps two records from one place in a chain.
    up: `
      ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT;
      CREATE UNIQUE INDEX audit_log_chain ON audit_log ((coalesce(tenant, '')), chain_seq);
      CREATE TABLE audit_chains (
        chain TEXT COLLATE "C" PRIMARY KEY,
        chain_seq BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        hash TEXT COLLATE "C"
      );
      CREATE SEQUENCE audit_seq;
      SELECT setval('audit_seq', greatest(
        coalesce((SELECT seq FROM audit_head), 0),
        coalesce((SELECT max(seq) FROM audit_log), 0)
      ) + 1, false);
    `,
  },
];

/**
 * Brings the schema up to the newest migration. Nodes that start together would race to apply
 * the same migration, so the whole run holds a session-level advisory lock keyed by the schema:
 * the second node waits, then finds everything applied. Each migration is its own transaction
 * (PostgreSQL's DDL is transactional), so one that fails leaves nothing of itself.
 */
export async function applyMigrations(
  connection: PostgresConnection,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  const { schema } = connection.location;
  const newest = migrations.at(-1)?.version ?? 0;
  return connection.session(async (sql) => {
    const key = `gatehouse migrations ${schema}`;
    await sql.run("SELECT pg_advisory_lock(hashtext($1))", [key]);
    try {
      const [exists] = await sql.rows("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
      if (exists === undefined) await sql.run(`CREATE SCHEMA "${schema}"`);
      await sql.run(`CREATE TABLE IF NOT EXISTS store_migrations (
        version INTEGER PRIMARY KEY,
        description TEXT NOT NULL,
        applied_at TEXT NOT NULL
      )`);
      const applied = async () =>
        (
          await sql.rows<[number]>("SELECT coalesce(max(version), 0)::bigint FROM store_migrations")
        )[0]?.[0] ?? 0;
      const found = await applied();
      if (found > newest) {
        throw new GatehouseError(
          "input",
          `the store was written by a newer Gatehouse (store schema version ${found}; this version knows up to ${newest})`,
        );
      }
      // As in SQLite: every missing version is applied, also one below the newest applied (a
      // reserved version that lands after higher ones).
      const present = new Set(
        (await sql.rows<[number]>("SELECT version FROM store_migrations")).map(([version]) =>
          Number(version),
        ),
      );
      for (const migration of migrations) {
        if (present.has(migration.version)) continue;
        await sql.run("BEGIN");
        try {
          if (typeof migration.up === "string") await sql.run(migration.up);
          else await migration.up(sql);
          await sql.run(
            "INSERT INTO store_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
            [migration.version, migration.description, new Date().toISOString()],
          );
          await sql.run("COMMIT");
        } catch (error) {
          await sql.run("ROLLBACK");
          throw error;
        }
      }
      return await applied();
    } finally {
      await sql.run("SELECT pg_advisory_unlock(hashtext($1))", [key]);
    }
  });
}
