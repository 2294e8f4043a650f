import { DataIndex } from "../src/engine/data-index.js";
import { Evaluator } from "../src/engine/evaluator.js";
import { FrozenEntries } from "../src/engine/frozen-entries.js";
import { GrantClosures } from "../src/engine/grant-closures.js";
import { RelationEdges } from "../src/engine/relation-edges.js";
import { firstTouchRun } from "./first-touch-run.js";

/**
 * What one first-touch check reads, counted (not timed): the same index, warm-up and queries as
 * first-touch-probe.ts, with the engine's readers wrapped for the run (the product is not
 * changed). Per check, on the first pass and again on the second (warm):
 *
 *   node --expose-gc dist-bench/bench/first-touch-count.js SCALE [frozen|lists] [QUERIES]
 *
 * - `objectOf`: name → number lookups (the id table);
 * - `steps`: evaluator steps walked (`member`), `closureReads`: grant closures read on the check
 *   path (`GrantClosures.of`), `closureNodes`: closures visited answering (`grantedBy`, links
 *   included);
 * - `closureBuilds`: relations read while building closures (a closure built on this check),
 *   `buildArrowSteps`: objects reached by an arrow while building;
 * - `membershipWalks`: subjects whose memberships were computed (not cached),
 *   `parentReads`: userset-parent lists read walking them up, `reverseReads`: reverse lists read;
 * - `entryReads`: object entries read from the edges, `frozenDecodes`: entries decoded from the
 *   typed arrays (not yet in the overlay), per structure (edges, parents, reverse);
 * - `distinctObjects`: objects whose edge entries the check read.
 * QUERIES as in first-touch-probe.ts. Prints one JSON line.
 */
const { scale, mode, count, engine, relationships, warmup, queries } = firstTouchRun(
  "first-touch-count",
  process.argv,
);
const data = engine.tenant("bench").data;

type Counts = Record<string, number>;
let counts: Counts = {};
const bump = (name: string, by = 1): void => {
  counts[name] = (counts[name] ?? 0) + by;
};
let objectsRead = new Set<number>();
let inClosure = 0;

// Which frozen structure an instance is: the edges, the userset parents or the reverse lists.
const names = new Map<unknown, string>();
type Wrappable = Record<string, (...args: unknown[]) => unknown>;
function wrap(target: object, method: string, before: (self: unknown, args: unknown[]) => void): void {
  const t = target as Wrappable;
  const original = t[method]!;
  t[method] = function (this: unknown, ...args: unknown[]) {
    before(this, args);
    return original.apply(this, args);
  };
}

wrap(DataIndex.prototype, "objectOf", () => bump("objectOf"));
wrap(Evaluator.prototype, "member", () => bump("steps"));
wrap(Evaluator.prototype, "grantedBy", () => bump("closureNodes"));
wrap(Evaluator.prototype, "seedMemberships", () => bump("membershipWalks"));
wrap(Evaluator.prototype, "slotOf", () => {
  if (inClosure > 0) bump("closureBuilds");
});
wrap(Evaluator.prototype, "schemaTypeOf", () => {
  if (inClosure > 0) bump("buildArrowSteps");
});
{
  const proto = GrantClosures.prototype as unknown as Wrappable;
  const of = proto.of!;
  proto.of = function (this: unknown, ...args: unknown[]) {
    bump("closureReads");
    inClosure++;
    try {
      return of.apply(this, args);
    } finally {
      inClosure--;
    }
  };
}
wrap(RelationEdges.prototype, "entry", (self, args) => {
  const name = names.get(self) ?? "other";
  bump(`entryReads.${name}`);
  if (name === "edges") objectsRead.add(args[0] as number);
});
wrap(FrozenEntries.prototype, "entry", (self) => bump(`frozenDecodes.${names.get(self) ?? "other"}`));
{
  const parents = data.usersetParents;
  const get = parents.get;
  parents.get = (key) => {
    bump("parentReads");
    return get(key);
  };
  const reverse = data.reverse;
  const reverseGet = reverse.get.bind(reverse);
  reverse.get = (object) => {
    bump("reverseReads");
    return reverseGet(object);
  };
}
// The frozen structures by identity, as the index holds them now.
{
  const index = data as unknown as { edges: RelationEdges; reverse: { frozen(): FrozenEntries } };
  names.set(index.edges, "edges");
  if (mode === "frozen") {
    const parts = data.parts();
    names.set(parts.edges, "edges");
    names.set(parts.usersetParents, "parents");
    names.set(parts.reverse, "reverse");
  }
}

for (const q of warmup) engine.check("bench", q);
const pass = (): Counts => {
  counts = {};
  let distinct = 0;
  for (const q of queries) {
    objectsRead = new Set();
    engine.check("bench", q);
    distinct += objectsRead.size;
  }
  const perCheck: Counts = { distinctObjects: distinct / queries.length };
  for (const [name, value] of Object.entries(counts)) perCheck[name] = value / queries.length;
  return Object.fromEntries(Object.entries(perCheck).sort(([a], [b]) => a.localeCompare(b)));
};
const first = pass();
const warm = pass();
console.log(
  JSON.stringify({
    scale,
    mode,
    relationships,
    queries: count,
    objects: data.objectKeys.length,
    first,
    warm,
  }),
);
