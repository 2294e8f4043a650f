import { createHash } from "node:crypto";
import { GatehouseError } from "../model/errors.js";

/**
 * Which nodes hold a tenant: rendezvous (highest random weight) hashing. Every node scores every
 * tenant by a hash of the pair, and a tenant's holders are its highest-scoring live nodes. Each
 * node computes this alone from the same list of live nodes and reaches the same answer; when a
 * node leaves, only the tenants it held move (each to its next-ranked node), and when one joins,
 * it takes only the tenants it now ranks first for. A pure function: no clock, no store.
 */

export interface PlacedNode {
  readonly id: string;
}

/** The replication factor's bounds: at least one holder; past 16 a copy per node is simpler. */
export const MAX_REPLICAS = 16;

function score(key: string): bigint {
  return createHash("sha256").update(key).digest().readBigUInt64BE(0);
}

/** In [0, 1): where a tenant falls for the fractional part of the replication factor. */
function tenantFraction(tenant: string): number {
  return Number(score(`copies\n${tenant}`) >> 11n) / 2 ** 53;
}

/**
 * How many copies of a tenant the factor asks for. A whole factor is that many for every
 * tenant; a fractional one (1.5) gives the extra copy to that fraction of the tenants, chosen
 * by a hash of the name, so that each node of N holds about factor/N of them.
 */
export function copiesOf(tenant: string, replicas: number): number {
  const whole = Math.floor(replicas);
  return whole + (tenantFraction(tenant) < replicas - whole ? 1 : 0);
}

/** Every node, best first, for the tenant: its holders are the first `copiesOf`, the rest its fallbacks in order. */
export function rankNodes<N extends PlacedNode>(tenant: string, nodes: readonly N[]): N[] {
  const scored = nodes.map((node) => ({ node, score: score(`${tenant}\n${node.id}`) }));
  scored.sort((a, b) =>
    a.score === b.score ? (a.node.id < b.node.id ? -1 : 1) : a.score > b.score ? -1 : 1,
  );
  return scored.map(({ node }) => node);
}

/** The nodes that hold a tenant, best first (all of them when there are fewer than its copies). */
export function holdersOf<N extends PlacedNode>(tenant: string, nodes: readonly N[], replicas: number): N[] {
  return rankNodes(tenant, nodes).slice(0, copiesOf(tenant, replicas));
}

/** Each tenant's holders' ids, best first. */
export function placeTenants(
  tenants: readonly string[],
  nodes: readonly PlacedNode[],
  replicas: number,
): Map<string, string[]> {
  return new Map(
    tenants.map((tenant) => [tenant, holdersOf(tenant, nodes, replicas).map((node) => node.id)]),
  );
}

/** `--replicas`: copies of each tenant, from 1 to MAX_REPLICAS; a fraction such as 1.5 is allowed. */
export function parseReplicas(text: string): number {
  const replicas = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || replicas < 1 || replicas > MAX_REPLICAS)
    throw new GatehouseError(
      "usage",
      `--replicas expects the copies of each tenant, a number from 1 to ${MAX_REPLICAS} (1.5: half the tenants have two), got \`${text}\``,
    );
  return replicas;
}
