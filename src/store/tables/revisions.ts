import { GatehouseError, inputError } from "../../model/errors.js";
import type { Dialect } from "../sql/dialect.js";
import type { Database, Sql } from "../sql/sql.js";
import type { Revision, WriteOptions } from "../store.js";

/** What a revision wrote: relationships of a tenant, a schema version, or a change (either or both). */
export type RevisionKind = "relationships" | "schema" | "change" | "purge";

/**
 * The store-wide revision sequence. Readers see revisions in order: a revision is read only once
 * every lower one has committed or been lost. On SQLite revisions commit one at a time, without
 * gaps, and a write that rolls back consumes no number. On PostgreSQL a writer's number is not
 * held to its commit by a row (`../sql/postgres-dialect.ts`), so writes to different tenants
 * commit side by side; the head readers see stops below a number still being written, and a
 * write that rolls back after a later number was taken leaves a gap (a skipped revision in the
 * feed).
 *
 * Lock order, which keeps writers from deadlocking: the writer lock (`lockWriter`: the store's,
 * shared or exclusive, then the tenant's), then the revision sequence (`lock` or `next`), then
 * the head of the act's audit chain (its tenant's, or the store-wide one), then rows.
 */
export class Revisions {
  readonly #dialect: Dialect;
  readonly #now: () => string;
  /** The number each open write transaction took, to give back if it fails. */
  readonly #taken = new WeakMap<Sql, Revision>();

  constructor(dialect: Dialect, now: () => string) {
    this.#dialect = dialect;
    this.#now = now;
  }

  /**
   * True when a writer's revision may commit before lower ones (PostgreSQL): the writer's own
   * number is then no head to report; readers' heads come from `head`.
   */
  get outOfOrder(): boolean {
    return this.#dialect.giveBackRevision !== undefined;
  }

  head(sql: Sql): Promise<Revision> {
    return this.#dialect.revisionHead(sql);
  }

  /** The revision to read at: head when none is given; one not reached yet is `not_found`. */
  async at(sql: Sql, at: Revision | undefined): Promise<Revision> {
    if (at !== undefined) checkRevision(at);
    const head = await this.head(sql);
    return at === undefined ? head : notAfter(at, head);
  }

  /**
   * Holds a tenant's writes (`tenant`) or the whole store's (`null`) for the rest of the
   * transaction: the first lock a write takes. Checks of a tenant's relationships made after it
   * still hold at the commit, since no other write to the tenant and no store-wide write (a
   * schema version, a purge) can commit meanwhile; writes to other tenants can (PostgreSQL).
   */
  lockWriter(sql: Sql, tenant: string | null): Promise<void> {
    return this.#dialect.lockWriter(sql, tenant);
  }

  /**
   * Returns the head, after `lockWriter`: on SQLite no other revision can be taken until this
   * transaction ends; on PostgreSQL only the writers that `lockWriter` holds off are kept out.
   */
  lock(sql: Sql): Promise<Revision> {
    return this.#dialect.lockRevisions(sql);
  }

  /** Starts a new revision; call inside the transaction that writes it, opened by `writing`. */
  async next(sql: Sql, tenant: string | null, kind: RevisionKind, options: WriteOptions): Promise<Revision> {
    const revision = await this.#dialect.nextRevision(sql, [
      tenant,
      kind,
      options.actor ?? null,
      options.reason ?? null,
      this.#now(),
      options.door ?? null,
      options.requestId ?? null,
    ]);
    this.#taken.set(sql, revision);
    return revision;
  }

  /**
   * Runs `body` as a write transaction: if it throws after `next`, its number is given back
   * before the rollback where the database needs that (`Dialect.giveBackRevision`) and can: a
   * refused write then consumes no number, unless a later one was taken meanwhile (a gap).
   */
  writing<T>(db: Database, body: (sql: Sql) => Promise<T>): Promise<T> {
    const giveBack = this.#dialect.giveBackRevision;
    if (giveBack === undefined) return db.transaction(body);
    return db.transaction(async (sql) => {
      try {
        return await body(sql);
      } catch (error) {
        const revision = this.#taken.get(sql);
        // Where it cannot be given back (a later number was taken), it is a gap.
        if (revision !== undefined) await giveBack(sql, revision).catch(() => {});
        throw error;
      }
    });
  }
}

export function checkRevision(at: Revision): void {
  if (!Number.isSafeInteger(at) || at < 0) {
    throw inputError(`invalid revision \`${at}\`: expected a whole number, 0 or more`);
  }
}

/** `at`, if the store has reached it. */
export function notAfter(at: Revision, head: Revision): Revision {
  if (at > head)
    throw new GatehouseError("not_found", `revision ${at} does not exist; the newest is ${head}`);
  return at;
}
