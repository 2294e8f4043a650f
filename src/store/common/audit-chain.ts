import { createHash } from "node:crypto";
import { GatehouseError } from "../../model/errors.js";
import type { AuditProblem, AuditVerification } from "../change-records.js";

/**
 * The audit log's hash chains, shared by every backend. Each record belongs to the chain of its
 * tenant (the store-wide chain when it has none), numbered gap-free within it (`chainSeq`), and
 * its hash covers its own fields and the hash of the record before it in its chain: editing,
 * removing or reordering a record breaks every hash after it in its chain. Each chain's head (its
 * last record's chain seq, seq and hash, kept in a row of its own and moved in the same
 * transaction as each append) catches the removal of the chain's last records, which leaves no
 * later record to notice. Chains, not one chain, so that audited writes to different tenants
 * lock different heads and commit side by side (issue 18).
 *
 * Records written before chains (chain seq null, hashed as "gatehouse.audit.v1") form one chain in
 * seq order, whose end is the base: the old single head, kept as it was (`audit_head`). Every
 * chain's first record is chained to the base's hash, so every record written since is tied to
 * the log as it was before.
 */

/** A record as it is stored and hashed: `details` is the stored JSON text, not its value. */
export interface ChainRow {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly tenant: string | null;
  readonly target: string;
  readonly reason: string | null;
  readonly revision: number | null;
  readonly details: string | null;
  readonly previousHash: string | null;
  readonly hash: string | null;
  /** The record's place in its chain, from 1; null for a record written before chains. */
  readonly chainSeq: number | null;
}

/** The base (the last record written before chains) or a chain's head: a seq and its hash. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string | null;
}

/** A chain's head: its last record's place in the chain, seq and hash (0, the base's, when empty). */
export interface ChainHead extends AuditHead {
  readonly chainSeq: number;
}

/**
 * The chain a record joins: its tenant's name, or "" (which no tenant can be called: audit
 * fields are never empty) for records of no tenant.
 */
export function chainOf(tenant: string | null): string {
  return tenant ?? "";
}

/** The chain as a person reads it. */
export function chainName(chain: string): string {
  return chain === "" ? "the store-wide chain" : `tenant \`${chain}\`'s chain`;
}

/**
 * Appending without the base or a chain's head would start a chain over and hide whatever was
 * removed with it, so the act is refused until someone looks.
 */
export function missingHead(): GatehouseError {
  return new GatehouseError(
    "internal",
    "the audit log's head is missing, so no record can be chained to it: the log was tampered with; `gatehouse audit verify` says more",
  );
}

/**
 * The canonical encoding is a JSON array in a fixed order, tagged with a version so that each
 * encoding can be told apart: v1 for records written before chains (no chain seq), v2 since,
 * which adds the record's chain and place in it. JSON.stringify of strings, numbers and null is
 * fully determined, and the details are hashed as the exact text the store keeps.
 */
export function auditHash(
  row: Omit<ChainRow, "hash" | "chainSeq"> & { readonly chainSeq?: number | null },
): string {
  const fields = [
    row.seq,
    row.at,
    row.actor,
    row.action,
    row.tenant,
    row.target,
    row.reason,
    row.revision,
    row.details,
    row.previousHash,
  ];
  const encoding =
    row.chainSeq === undefined || row.chainSeq === null
      ? JSON.stringify(["gatehouse.audit.v1", ...fields])
      : JSON.stringify(["gatehouse.audit.v2", chainOf(row.tenant), row.chainSeq, ...fields]);
  return createHash("sha256").update(encoding, "utf8").digest("hex");
}

/**
 * How far ahead a record whose hash fails is matched against later places: a swap of two
 * records within this distance is reported as a reordering, anything else as an alteration.
 */
const REORDER_WINDOW = 1000;

/** Missing records of a chain not in one run of seqs are listed one by one up to this many. */
const NAMED_APART = 5;

/**
 * Walks the log in seq order, one row at a time (`add` returns false once the first problem is
 * found and no more rows are needed), keeping the last record of each chain, then `finish`
 * compares every chain with its head. Rows are pushed rather than pulled so that SQLite can feed
 * them from one synchronous read and PostgreSQL page by page.
 *
 * Seqs may have gaps on PostgreSQL (a number taken by an act that rolled back), so a gap in seqs
 * is no evidence by itself; a gap in a chain is. The seqs never seen are remembered only to name
 * the records a chain misses.
 */
export class AuditChainCheck {
  /** Undefined when the base row itself is gone. */
  readonly #base: AuditHead | undefined;
  readonly #heads: ReadonlyMap<string, ChainHead>;
  /** The newest record Gatehouse wrote: the highest seq of the base and every head. */
  readonly #logHead: number | undefined;
  /** The last record written before chains that was seen. */
  #lastBefore: ChainRow | undefined;
  #baseChecked = false;
  readonly #lastOf = new Map<string, ChainRow>();
  #lastSeen = 0;
  /** Seqs never seen below `#lastSeen`, as inclusive ranges. */
  readonly #unseen: Array<[number, number]> = [];
  #checked = 0;
  #bad: AuditVerification["firstBad"];
  /** A record whose hash does not match its contents, while later rows are searched for its place. */
  #suspect: { row: ChainRow; looked: number } | undefined;

  constructor(base: AuditHead | undefined, heads: readonly (ChainHead & { readonly chain: string })[]) {
    this.#base = base;
    this.#heads = new Map(heads.map((head) => [head.chain, head]));
    const seqs = [...(base === undefined ? [] : [base.seq]), ...heads.map((head) => head.seq)];
    this.#logHead = seqs.length === 0 ? undefined : Math.max(...seqs);
  }

  add(row: ChainRow): boolean {
    if (this.#bad !== undefined) return false;
    if (this.#suspect !== undefined) return this.#lookForPlace(this.#suspect, row);
    if (row.seq > this.#lastSeen + 1) this.#unseen.push([this.#lastSeen + 1, row.seq - 1]);
    this.#lastSeen = Math.max(this.#lastSeen, row.seq);
    if (this.#logHead !== undefined && row.seq > this.#logHead) {
      return this.#fail(
        row.seq,
        "inserted",
        `${describe(row)} was not written by Gatehouse: the log's head is record ${this.#logHead}`,
      );
    }
    return row.chainSeq === null ? this.#addBefore(row) : this.#addChained(row, row.chainSeq);
  }

  finish(): AuditVerification {
    if (this.#bad === undefined && this.#suspect !== undefined) this.#altered(this.#suspect.row);
    if (this.#bad === undefined) this.#checkBase();
    if (this.#bad === undefined) this.#checkHeads();
    return this.#bad === undefined
      ? { ok: true, checked: this.#checked }
      : { ok: false, checked: this.#checked, firstBad: this.#bad };
  }

  /** A record written before chains: the old single chain, gap-free in seq order up to the base. */
  #addBefore(row: ChainRow): boolean {
    if (this.#baseChecked || (this.#base !== undefined && row.seq > this.#base.seq)) {
      return this.#fail(
        row.seq,
        "inserted",
        `${describe(row)} was not written by Gatehouse: it belongs to no chain, and records after record ${this.#base?.seq ?? 0} all do`,
      );
    }
    const last = this.#lastBefore;
    const expected = (last?.seq ?? 0) + 1;
    if (row.seq !== expected) {
      const where =
        last === undefined ? `the log starts at ${row.seq}` : `${last.seq} is followed by ${row.seq}`;
      return this.#fail(expected, "removed", `${missingRange(expected, row.seq - 1)} missing: ${where}`);
    }
    if (row.hash === null || auditHash({ ...row, chainSeq: null }) !== row.hash) {
      this.#suspect = { row, looked: 0 };
      return true;
    }
    if (row.previousHash !== (last?.hash ?? null)) return this.#brokenLink(row, last, "the first record");
    this.#lastBefore = row;
    this.#checked++;
    return true;
  }

  #addChained(row: ChainRow, chainSeq: number): boolean {
    if (!this.#baseChecked && !this.#checkBase()) return false;
    const chain = chainOf(row.tenant);
    const head = this.#heads.get(chain);
    if (head !== undefined && chainSeq > head.chainSeq) {
      return this.#fail(
        row.seq,
        "inserted",
        `${describe(row)} was not written by Gatehouse: the head of ${chainName(chain)} is record ${head.seq}`,
      );
    }
    if (row.hash === null || auditHash(row) !== row.hash) {
      this.#suspect = { row, looked: 0 };
      return true;
    }
    const last = this.#lastOf.get(chain);
    const expected = (last?.chainSeq ?? 0) + 1;
    if (chainSeq > expected) {
      const where =
        last === undefined
          ? `${chainName(chain)} starts at ${row.seq}`
          : `${last.seq} is followed by ${row.seq} in ${chainName(chain)}`;
      return this.#missing(chain, chainSeq - expected, last?.seq ?? this.#base?.seq ?? 0, row.seq - 1, where);
    }
    if (chainSeq < expected) {
      return this.#fail(
        row.seq,
        "reordered",
        `${describe(row)} is out of order: it is number ${chainSeq} of ${chainName(chain)}, which record ${last?.seq} already reached`,
      );
    }
    // A chain's first record is chained to the base.
    if (row.previousHash !== (last?.hash ?? this.#base?.hash ?? null))
      return this.#brokenLink(row, last, `the first record of ${chainName(chain)}`);
    this.#lastOf.set(chain, row);
    this.#checked++;
    return true;
  }

  #brokenLink(row: ChainRow, last: ChainRow | undefined, first: string): false {
    if (last === undefined) {
      return this.#fail(
        row.seq,
        "altered",
        `${describe(row)} was altered: ${first} links to a record before it`,
      );
    }
    return this.#fail(
      last.seq,
      "altered",
      `${describe(last)} was altered: its hash was recomputed, and record ${row.seq} is chained to the hash it had when written`,
    );
  }

  /**
   * A swapped pair shows as a record whose contents hash correctly at the other's place: with
   * the other's link and stored hash when only the contents moved, or with its own stored hash
   * when the hash columns moved with them.
   */
  #lookForPlace(suspect: { row: ChainRow; looked: number }, other: ChainRow): boolean {
    const moved = suspect.row;
    const atOther = { ...moved, seq: other.seq };
    if (
      auditHash({ ...atOther, previousHash: other.previousHash }) === other.hash ||
      (moved.hash !== null && auditHash(atOther) === moved.hash)
    ) {
      return this.#fail(
        moved.seq,
        "reordered",
        `records ${moved.seq} and ${other.seq} are out of order: record ${moved.seq} holds what was written as record ${other.seq} (${summary(moved)})`,
      );
    }
    suspect.looked++;
    if (suspect.looked < REORDER_WINDOW) return true;
    this.#altered(moved);
    return false;
  }

  #altered(row: ChainRow): void {
    this.#fail(
      row.seq,
      "altered",
      row.hash === null
        ? `${describe(row)} was altered: it has no hash`
        : `${describe(row)} was altered: its hash does not match its contents`,
    );
  }

  /** The records before chains end at the base: once, before the first chained record or at the end. */
  #checkBase(): boolean {
    this.#baseChecked = true;
    const lastSeq = this.#lastBefore?.seq ?? 0;
    const base = this.#base;
    if (base === undefined) {
      return this.#fail(
        lastSeq,
        "removed",
        "the audit head (the seq and hash of the last record written before chains, where every chain starts) is missing",
      );
    }
    if (base.seq > lastSeq) {
      const end = lastSeq === 0 ? "the log is empty" : `the log ends at ${lastSeq}`;
      return this.#fail(
        lastSeq + 1,
        "removed",
        `${missingRange(lastSeq + 1, base.seq)} missing: ${end}, but ${base.seq} records were written`,
      );
    }
    if (this.#lastBefore !== undefined && base.hash !== this.#lastBefore.hash) {
      return this.#fail(
        this.#lastBefore.seq,
        "altered",
        `${describe(this.#lastBefore)} was altered: its hash was recomputed, and the audit head keeps the hash it had when written`,
      );
    }
    return true;
  }

  /** Every chain ends at its head, and every chain has one: the first problem by seq is named. */
  #checkHeads(): void {
    const problems: Array<() => void> = [];
    const at: number[] = [];
    const add = (seq: number, report: () => void) => {
      at.push(seq);
      problems.push(report);
    };
    for (const [chain, head] of this.#heads) {
      const last = this.#lastOf.get(chain);
      const reached = last?.chainSeq ?? 0;
      if (head.chainSeq > reached) {
        const after = last?.seq ?? this.#base?.seq ?? 0;
        const end =
          last === undefined
            ? `${chainName(chain)} is empty, but ${head.chainSeq} records were written to it`
            : `${chainName(chain)} ends at record ${last.seq}, number ${reached} of the ${head.chainSeq} written to it`;
        add(after + 1, () => this.#missing(chain, head.chainSeq - reached, after, head.seq, end, head.seq));
      } else if (last !== undefined && head.hash !== last.hash) {
        add(last.seq, () =>
          this.#fail(
            last.seq,
            "altered",
            `${describe(last)} was altered: its hash was recomputed, and the audit head keeps the hash it had when written`,
          ),
        );
      }
    }
    for (const [chain, last] of this.#lastOf) {
      if (this.#heads.has(chain)) continue;
      add(last.seq, () =>
        this.#fail(
          last.seq,
          "removed",
          `the audit head of ${chainName(chain)} (its last record's seq and hash, kept apart from the records) is missing`,
        ),
      );
    }
    const first = at.indexOf(Math.min(...at));
    problems[first]?.();
  }

  /**
   * `count` records of `chain` are missing after record `after`, up to record `upTo`: named by
   * seq when exactly that many seqs in between were never seen (always on SQLite, whose seqs are
   * gap-free), else counted. `known` is the last missing one's seq where a head says it.
   */
  #missing(chain: string, count: number, after: number, upTo: number, where: string, known?: number): false {
    if (count === 1 && known !== undefined)
      return this.#fail(known, "removed", `${missingRange(known, known)} missing: ${where}`);
    const unseen = this.#unseenBetween(after, upTo, count + 1);
    const first = unseen[0] ?? after + 1;
    const last = unseen.at(-1) ?? first;
    const what =
      unseen.length !== count || (last - first + 1 !== count && count > NAMED_APART)
        ? `${count} ${count === 1 ? "record" : "records"} of ${chainName(chain)} ${count === 1 ? "is" : "are"}`
        : last - first + 1 === count
          ? missingRange(first, last)
          : `records ${unseen.slice(0, -1).join(", ")} and ${last} are`;
    return this.#fail(first, "removed", `${what} missing: ${where}`);
  }

  /** Up to `limit` seqs above `after` and at most `upTo` that the walk never saw. */
  #unseenBetween(after: number, upTo: number, limit: number): number[] {
    const found: number[] = [];
    const ranges: Array<[number, number]> = [...this.#unseen, [this.#lastSeen + 1, Number.MAX_SAFE_INTEGER]];
    for (const [from, to] of ranges) {
      for (let seq = Math.max(from, after + 1); seq <= Math.min(to, upTo); seq++) {
        found.push(seq);
        if (found.length >= limit) return found;
      }
    }
    return found;
  }

  #fail(seq: number, problem: AuditProblem, message: string): false {
    this.#bad = { seq, problem, message };
    return false;
  }
}

function missingRange(from: number, to: number): string {
  return from === to ? `record ${from} is` : `records ${from} to ${to} are`;
}

/** Names a record the way a person looks for it: what, on what, by whom, when. */
function summary(row: ChainRow): string {
  return `${row.action} on ${row.target} by ${row.actor} at ${row.at}`;
}

function describe(row: ChainRow): string {
  return `record ${row.seq} (${summary(row)})`;
}
