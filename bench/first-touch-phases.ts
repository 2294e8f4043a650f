import type { CheckRequest } from "../src/engine/engine.js";
import { Evaluator } from "../src/engine/evaluator.js";
import { GrantClosures } from "../src/engine/grant-closures.js";
import { resolveResource, resolveSubject } from "../src/engine/subject.js";
import { firstTouchRun } from "./first-touch-run.js";

/**
 * Where a first-touch check's time goes, by phase: the same index, warm-up and queries as
 * first-touch-probe.ts, each check taken apart as `Engine.check` does it (names resolved, then
 * the evaluator), with the evaluator's membership walk and its grant-closure reads (builds
 * included) timed inside it by wrapping them for the run (the product is not changed):
 *
 *   node --expose-gc dist-bench/bench/first-touch-phases.js SCALE [frozen|lists] [QUERIES]
 *
 * Per pass (first, then warm) prints the mean µs per check of each phase, the p50 of the whole
 * check, and the garbage collector's pauses in the pass per check (inside the phases' times); the
 * wrapping adds about 0.1-0.2 µs a call, so compare sizes, not absolutes.
 * QUERIES (default 20,000) timed checks after a quarter as many warm-up ones.
 */
const { scale, mode, count, engine, relationships, warmup, queries } = firstTouchRun(
  "first-touch-phases",
  process.argv,
);

const now = (): number => Number(process.hrtime.bigint()) / 1000;
/** Garbage collection pauses (ms) reported during the pass: part of the phases' times above. */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ["gc"] });
let membershipTime = 0;
let closureTime = 0;
let closureDepth = 0;
type Wrappable = Record<string, (...args: unknown[]) => unknown>;
{
  const proto = Evaluator.prototype as unknown as Wrappable;
  const membershipsFor = proto.membershipsFor!;
  proto.membershipsFor = function (this: unknown, ...args: unknown[]) {
    const t = now();
    try {
      return membershipsFor.apply(this, args);
    } finally {
      membershipTime += now() - t;
    }
  };
  const closures = GrantClosures.prototype as unknown as Wrappable;
  const of = closures.of!;
  closures.of = function (this: unknown, ...args: unknown[]) {
    if (closureDepth > 0) return of.apply(this, args);
    closureDepth++;
    const t = now();
    try {
      return of.apply(this, args);
    } finally {
      closureTime += now() - t;
      closureDepth--;
    }
  };
}

const check = (q: CheckRequest): { resolve: number; total: number } => {
  const t0 = now();
  const schema = engine.requireSchema();
  const member = engine.resolve(q, schema);
  const evaluator = engine.evaluator("bench", schema);
  const object = resolveResource(evaluator.data, q.resource);
  const subject = resolveSubject(evaluator.data, q.subject, q.resource);
  const t1 = now();
  evaluator.check(object, member, subject);
  return { resolve: t1 - t0, total: now() - t0 };
};

for (const q of warmup) check(q);
const pass = async (): Promise<Record<string, number>> => {
  membershipTime = 0;
  gcMs = 0;
  closureTime = 0;
  let resolve = 0;
  let total = 0;
  const totals = new Float64Array(queries.length);
  for (let i = 0; i < queries.length; i++) {
    const t = check(queries[i]!);
    resolve += t.resolve;
    total += t.total;
    totals[i] = t.total;
  }
  totals.sort();
  // The observer hears of the pass's collections once the event loop turns.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const n = queries.length;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: round(totals[Math.floor(n / 2)]!),
    mean: round(total / n),
    resolve: round(resolve / n),
    memberships: round(membershipTime / n),
    closures: round(closureTime / n),
    rest: round((total - resolve - membershipTime - closureTime) / n),
    gcPauses: round((gcMs * 1000) / n),
  };
};
const first = await pass();
const warm = await pass();
console.log(JSON.stringify({ scale, mode, relationships, queries: count, first, warm }));
