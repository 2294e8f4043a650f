import { describe, expect, test } from "vitest";
import { formatRelationship, formatSubject } from "../../src/model/relationship.js";
import { randomModel } from "./random-model.js";
import { startSpiceDB } from "./spicedb.js";

describe("randomModel", () => {
  test("is a function of the seed", () => {
    expect(randomModel(42)).toEqual(randomModel(42));
    expect(randomModel(42).schema).not.toEqual(randomModel(43).schema);
  });

  test("respects SpiceDB's naming and the model's own allowed subject types", () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok) problems.push(what);
    };
    for (let seed = 1; seed <= 200; seed++) {
      const m = randomModel(seed);
      const where = `seed ${seed}`;
      check(
        m.definitions.length >= 2 && m.definitions.length <= 5,
        `${where}: ${m.definitions.length} definitions`,
      );
      const n = m.relationships.length;
      check(n >= 30 && n <= 200, `${where}: ${n} relationships`);
      const defs = new Map(m.definitions.map((d) => [d.name, d]));
      for (const d of m.definitions) {
        for (const name of [d.name, ...d.relations, ...d.permissions]) {
          check(name.length >= 3, `${where}: name ${name} is too short`);
        }
      }
      const seen = new Set<string>();
      for (const r of m.relationships) {
        const text = formatRelationship(r);
        check(!seen.has(text), `${where}: repeated ${text}`);
        seen.add(text);
        const allowed = defs.get(r.resource.type)?.allowed[r.relation] ?? [];
        const s = r.subject;
        const as =
          s.id === "*" ? `${s.type}:*` : s.relation === undefined ? s.type : `${s.type}#${s.relation}`;
        check(allowed.includes(as), `${where}: ${text} is not allowed by ${allowed.join(" | ")}`);
      }
      for (const q of m.queries) {
        const d = defs.get(q.resource.type);
        check(q.subject.id !== "*", `${where}: wildcard subject in a query`);
        check(
          d !== undefined && [...d.relations, ...d.permissions].includes(q.permission),
          `${where}: query for unknown ${q.resource.type}#${q.permission}`,
        );
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });

  test("covers the schema language over a few hundred seeds", () => {
    const features: Record<string, RegExp> = {
      wildcard: /: [^\n]*\w:\*/,
      userset: /: [^\n]*\w#\w/,
      ellipsis: /#\.\.\./,
      union: / \+ /,
      intersection: / & /,
      exclusion: / - /,
      parentheses: /= [^\n]*\(/,
      arrow: /->/,
      any: /\.any\(/,
      all: /\.all\(/,
      nil: /\bnil\b/,
      recursiveArrow: /permission (\w+) = [^\n]*(->|\.any\(|\.all\()\1\b/,
    };
    const counts = Object.fromEntries(Object.keys(features).map((k) => [k, 0]));
    let selfUserset = 0;
    let cyclic = 0;
    let usersetSubjects = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const m = randomModel(seed);
      for (const [k, re] of Object.entries(features)) if (re.test(m.schema)) counts[k]!++;
      if (
        m.definitions.some((d) =>
          Object.values(d.allowed).some((a) => a.some((t) => t.startsWith(`${d.name}#`))),
        )
      )
        selfUserset++;
      if (m.cyclic) cyclic++;
      if (m.queries.some((q) => q.subject.relation !== undefined)) usersetSubjects++;
    }
    for (const [k, n] of Object.entries(counts)) expect(n, k).toBeGreaterThan(10);
    expect(selfUserset).toBeGreaterThan(10);
    expect(cyclic).toBeGreaterThan(30);
    expect(usersetSubjects).toBeGreaterThan(100);
  });
});

describe("randomModel against SpiceDB", () => {
  test("SpiceDB accepts the schema and the data of 30 seeds", async () => {
    const failures: string[] = [];
    const run = async (seed: number) => {
      const m = randomModel(seed);
      try {
        const spicedb = await startSpiceDB(m.schema, m.relationships);
        spicedb.close();
      } catch (e) {
        failures.push(`seed ${seed}: ${(e as Error).message}\n${m.schema}`);
      }
    };
    const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
    // Two at a time: the machine has two cores.
    for (let i = 0; i < seeds.length; i += 2) await Promise.all(seeds.slice(i, i + 2).map(run));
    expect(failures).toEqual([]);
  }, 120_000);

  test("every query is one SpiceDB can answer (errors only from cycles in the data)", async () => {
    // One acyclic seed and one cyclic seed.
    for (const seed of [1, 11]) {
      const m = randomModel(seed);
      const spicedb = await startSpiceDB(m.schema, m.relationships);
      try {
        const answers = await spicedb.checkManyDetailed(m.queries);
        const unexpected = answers.flatMap((a, i) => {
          if (a.result !== "error") return [];
          if (m.cyclic && /max depth exceeded|^timeout/.test(a.error ?? "")) return [];
          const q = m.queries[i]!;
          return [
            `${q.resource.type}:${q.resource.id}#${q.permission}@${formatSubject(q.subject)}: ${a.error}`,
          ];
        });
        expect(unexpected, `seed ${seed}`).toEqual([]);
        expect(
          answers.some((a) => a.result === true),
          `seed ${seed}`,
        ).toBe(true);
      } finally {
        spicedb.close();
      }
    }
  }, 120_000);
});
