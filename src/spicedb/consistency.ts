import type { v1 } from "@authzed/authzed-node";
import type { ConsistencyOptions, Gatehouse } from "../service/gatehouse.js";
import { type Revision, STORE_WIDE_TENANT } from "../service/records.js";
import { SpicedbError } from "./status.js";
import { decodeZedToken, isSpicedbToken } from "./zedtoken.js";

/**
 * What a request's `consistency` asks for, in Gatehouse's terms. Gatehouse answers from indexes
 * kept at the newest revision this process has applied:
 * - `minimize_latency` (or none): that revision, whatever it is;
 * - `at_least_as_fresh`: that revision once it is at least the token's (Gatehouse's own
 *   `atLeastRevision`, read-your-writes across processes and nodes); a SpiceDB token, as
 *   `fully_consistent` (see `isSpicedbToken`);
 * - `fully_consistent`: at least the store's head revision when the request arrives;
 * - `at_exact_snapshot`: the token's revision exactly; see `confirmSnapshot`.
 */
export type Freshness =
  | { readonly kind: "newest" }
  | { readonly kind: "at-least"; readonly revision: Revision }
  | { readonly kind: "exact"; readonly revision: Revision };

export async function freshnessOf(
  consistency: v1.Consistency | undefined,
  gatehouse: Gatehouse,
): Promise<Freshness> {
  const requirement = consistency?.requirement;
  switch (requirement?.oneofKind) {
    case undefined:
    case "minimizeLatency":
      return { kind: "newest" };
    case "atLeastAsFresh":
      // SpiceDB's own token (kept from before the switch): the store's head is fresher.
      if (isSpicedbToken(requirement.atLeastAsFresh))
        return { kind: "at-least", revision: await gatehouse.headRevision() };
      return {
        kind: "at-least",
        revision: decodeZedToken(requirement.atLeastAsFresh, "consistency.at_least_as_fresh"),
      };
    case "fullyConsistent":
      return { kind: "at-least", revision: await gatehouse.headRevision() };
    case "atExactSnapshot":
      return {
        kind: "exact",
        revision: decodeZedToken(requirement.atExactSnapshot, "consistency.at_exact_snapshot"),
      };
  }
}

export function consistencyOptions(freshness: Freshness): ConsistencyOptions {
  return freshness.kind === "newest" ? {} : { atLeastRevision: freshness.revision };
}

/** The most revisions `confirmSnapshot` reads to learn that a tenant did not change. */
const SNAPSHOT_SCAN = 10_000;

/**
 * The revision to report for an answer computed at `answeredAt`. For `at_exact_snapshot`,
 * Gatehouse's indexes hold only the newest state, so an answer computed there is the snapshot's
 * answer only when nothing the answer depends on moved in between: no write to the tenant and
 * no schema write. When something did, the request is refused (FAILED_PRECONDITION, as SpiceDB
 * refuses a snapshot it no longer has) rather than answered at another revision.
 */
export async function confirmSnapshot(
  gatehouse: Gatehouse,
  tenant: string,
  freshness: Freshness,
  answeredAt: Revision,
): Promise<Revision> {
  if (freshness.kind !== "exact" || answeredAt === freshness.revision) return answeredAt;
  const snapshot = freshness.revision;
  const refuse = (why: string) =>
    new SpicedbError(
      "FAILED_PRECONDITION",
      `at_exact_snapshot ${snapshot}: ${why}; Gatehouse answers an exact snapshot only while it is still tenant \`${tenant}\`'s newest state (relationship reads take any past revision): use at_least_as_fresh`,
    );
  // Which tenant each revision wrote is all that is looked at: no relationship rows are read.
  const events = await gatehouse.revisionsSince(snapshot, SNAPSHOT_SCAN, { tenants: [] });
  for (const event of events) {
    if (event.revision > answeredAt) return snapshot;
    if (event.skipped) continue;
    if (event.tenant === tenant) throw refuse(`tenant \`${tenant}\` changed at revision ${event.revision}`);
    if (event.tenant === STORE_WIDE_TENANT || event.schemaVersion !== null)
      throw refuse(`the schema changed at revision ${event.revision}`);
  }
  if (events.length === SNAPSHOT_SCAN)
    throw refuse(`more than ${SNAPSHOT_SCAN} revisions were written since`);
  return snapshot;
}

/**
 * The revision a read of the store answers at (relationship reads, exports, expansions): the
 * store holds every revision, so an exact snapshot is read exactly and the others at the head.
 */
export async function storeRevision(gatehouse: Gatehouse, freshness: Freshness): Promise<Revision> {
  const head = await gatehouse.headRevision();
  if (freshness.kind !== "newest" && freshness.revision > head)
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `the ZedToken's revision ${freshness.revision} does not exist yet; the newest is ${head}`,
    );
  return freshness.kind === "exact" ? freshness.revision : head;
}
