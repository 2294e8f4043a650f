/**
 * Random caveated and expiring models for differential testing: a `randomModel` (acyclic) with
 * caveats and expiration laid over it, so the existing generator and its seeds are untouched.
 *
 * - The schema gains `use expiration` and two caveats with different parameters; every allowed
 *   subject type `T` of every relation is joined by `T with cav_a`, `T with cav_b`,
 *   `T with expiration` and `T with cav_a and expiration` (SpiceDB allows a type with and without
 *   caveats side by side). `T#...` gets its variants spelled `T`, which means the same.
 * - Each relationship keeps its subject and, by a PRNG of its own seeded from the model's seed,
 *   may gain a caveat (with a context that fixes some, all or none of its parameters) and/or an
 *   expiration in the past (already expired: grants nothing) or far in the future.
 * - Queries: every query of the model, without context and with two request contexts drawn from
 *   a fixed list (some give every parameter, some only part, so answers are conditional too).
 */
import type { Relationship } from "../../src/model/relationship.js";
import { Prng, type RandomQuery, randomModel } from "./random-model.js";

export interface CaveatedQuery extends RandomQuery {
  readonly context?: Readonly<Record<string, unknown>> | undefined;
}

export interface RandomCaveatedModel {
  readonly seed: number;
  readonly schema: string;
  readonly relationships: Relationship[];
  readonly queries: CaveatedQuery[];
}

const CAVEATS = `use expiration

caveat cav_a(aa int) {
  aa > 2
}

caveat cav_b(bb string, cc int) {
  bb == 'on' && cc < 5
}

`;

const RELATION_CONTEXTS: Record<string, ReadonlyArray<Record<string, unknown>>> = {
  cav_a: [{}, {}, { aa: 3 }, { aa: 1 }],
  cav_b: [{}, { bb: "on" }, { bb: "off" }, { cc: 2 }, { bb: "on", cc: 9 }, { bb: "on", cc: 1 }],
};

const REQUEST_CONTEXTS: ReadonlyArray<Record<string, unknown>> = [
  { aa: 5 },
  { aa: 0 },
  { bb: "on" },
  { cc: 1 },
  { aa: 3, bb: "on", cc: 4 },
  { aa: 2, bb: "off", cc: 1 },
];

const PAST = "2020-01-01T00:00:00Z";
const FUTURE = "2300-01-01T00:00:00Z";

export function randomCaveatedModel(seed: number): RandomCaveatedModel {
  const base = randomModel(seed, { cyclic: false, maxRelationships: 120 });
  const rng = new Prng(seed ^ 0x5eed_ca7e);
  const schema =
    CAVEATS +
    base.schema.replace(/^( {2}relation \w+: )(.*)$/gm, (_, head: string, types: string) => {
      const variants = types.split(" | ").flatMap((t) => {
        const plain = t.endsWith("#...") ? t.slice(0, -4) : t;
        return [
          t,
          `${plain} with cav_a`,
          `${plain} with cav_b`,
          `${plain} with expiration`,
          `${plain} with cav_a and expiration`,
        ];
      });
      return head + variants.join(" | ");
    });
  const relationships = base.relationships.map((r): Relationship => {
    const roll = rng.next();
    if (roll < 0.45) return r;
    if (roll < 0.6) return { ...r, expiresAt: rng.chance(0.5) ? PAST : FUTURE };
    const name = roll < 0.8 ? "cav_a" : "cav_b";
    const caveat = { name, context: rng.pick(RELATION_CONTEXTS[name]!) };
    // Only `cav_a` is allowed with expiration too.
    if (name === "cav_a" && rng.chance(0.3))
      return { ...r, caveat, expiresAt: rng.chance(0.5) ? PAST : FUTURE };
    return { ...r, caveat };
  });
  const contexts = [undefined, ...rng.sample(REQUEST_CONTEXTS, 2)];
  const queries = contexts.flatMap((context) => base.queries.map((q) => ({ ...q, context })));
  return { seed, schema, relationships, queries };
}
