import { GatehouseError, inputError } from "../../model/errors.js";
import type { Dialect } from "../sql/dialect.js";
import type { Sql } from "../sql/sql.js";
import type { Revision, WriteOptions } from "../store.js";

/** What a revision wrote: relationships of a tenant, a schema version, or a change (either or both). */
export type RevisionKind = "relationships" | "schema" | "change" | "purge";

/**
 * The store-wide revision sequence: revisions commit one at a time, in order, without gaps, and
 * a refused write consumes none (how each database keeps that: the dialects).
 *
 * Lock order, which keeps writers from deadlocking: the writer lock (`lockWriter`: the store's,
 * shared or exclusive, then the tenant's), then the revision sequence (`lock` or `next`), then
 * the audit head, then rows.
 */
export class Revisions {
  readonly #dialect: Dialect;
  readonly #now: () => string;

  constructor(dialect: Dialect, now: () => string) {
    this.#dialect = dialect;
    this.#now = now;
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
   * Locks the revision sequence for the rest of the transaction and returns the head: no other
   * revision can be taken until this transaction ends. After `lockWriter`.
   */
  lock(sql: Sql): Promise<Revision> {
    return this.#dialect.lockRevisions(sql);
  }

  /** Starts a new revision; call inside the transaction that writes it. */
  next(sql: Sql, tenant: string | null, kind: RevisionKind, options: WriteOptions): Promise<Revision> {
    return this.#dialect.nextRevision(sql, [
      tenant,
      kind,
      options.actor ?? null,
      options.reason ?? null,
      this.#now(),
      options.door ?? null,
      options.requestId ?? null,
    ]);
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
