import type { Relationship, RelationshipCaveat } from "../model/relationship.js";

/**
 * What makes one stored edge grant only sometimes: a caveat (with the relationship's own
 * context) and/or an expiration time. Kept beside the edge maps, never in them, so that data
 * without caveats or expiration costs nothing more than before.
 */
export interface EdgeCondition {
  readonly caveat?: RelationshipCaveat | undefined;
  /** As written (RFC 3339 UTC), for explain and plans. */
  readonly expiresAt?: string | undefined;
  /** `expiresAt` in milliseconds since the epoch: the edge grants only while the clock is before it. */
  readonly expiresAtMs?: number | undefined;
}

/** The condition a relationship carries, or `undefined` for a plain one. */
export function conditionOf(r: Relationship): EdgeCondition | undefined {
  if (r.caveat === undefined && r.expiresAt === undefined) return undefined;
  return {
    caveat: r.caveat,
    expiresAt: r.expiresAt,
    expiresAtMs: r.expiresAt === undefined ? undefined : Date.parse(r.expiresAt),
  };
}

/**
 * The conditions of one kind of edge (direct subjects, or usersets), by edge key and then by
 * the subject value the edge maps hold (an object number, or a userset's edge key).
 */
export class EdgeConditions {
  private readonly byKey = new Map<number, Map<number, EdgeCondition>>();
  size = 0;

  get(key: number, value: number): EdgeCondition | undefined {
    return this.byKey.get(key)?.get(value);
  }

  set(key: number, value: number, condition: EdgeCondition): void {
    let values = this.byKey.get(key);
    if (values === undefined) {
      values = new Map();
      this.byKey.set(key, values);
    }
    if (!values.has(value)) this.size++;
    values.set(value, condition);
  }

  /** Every condition, as (edge key, subject value, condition): for index snapshots. */
  *entries(): Iterable<[number, number, EdgeCondition]> {
    for (const [key, values] of this.byKey)
      for (const [value, condition] of values) yield [key, value, condition];
  }

  delete(key: number, value: number): void {
    const values = this.byKey.get(key);
    if (values === undefined || !values.delete(value)) return;
    this.size--;
    if (values.size === 0) this.byKey.delete(key);
  }
}
