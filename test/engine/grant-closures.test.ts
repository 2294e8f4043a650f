import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { GatehouseError } from "../../src/model/errors.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";

/**
 * The evaluator keeps, per object reached by an arrow, everything that grants a member there
 * (src/engine/grant-closures.ts). These tests aim at what the random differential tests rarely
 * reach: chains near the depth limit, closures too long to copy (kept by reference), and
 * answers before and after writes to the relations a closure read.
 */
const SCHEMA = `
definition user {}
definition group {
  relation member: user | group#member
}
definition folder {
  relation parent: folder
  relation viewer: user | group#member | user:*
  permission view = viewer + parent->view
}
definition doc {
  relation parent: folder
  relation banned: user
  permission view = parent->view - banned
}
`;

function engineWith(tuples: string[]): Engine {
  const engine = new Engine(compileSchema(SCHEMA));
  engine.tenant("t").apply(
    tuples.map((t) => parseRelationship(t)),
    [],
  );
  return engine;
}

function check(engine: Engine, query: string): boolean {
  const q = parseRelationship(query, undefined, "permission");
  return engine.check("t", { resource: q.resource, permission: q.relation, subject: q.subject });
}

/** folder:f1 is the root; folder:fN's parent is folder:f(N-1); doc:dN sits in folder:fN. */
function chain(length: number): string[] {
  const tuples: string[] = [];
  for (let i = 2; i <= length; i++) tuples.push(`folder:f${i}#parent@folder:f${i - 1}`);
  for (let i = 1; i <= length; i++) tuples.push(`doc:d${i}#parent@folder:f${i}`);
  return tuples;
}

function limitError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseError && error.kind === "limit") return error.message;
    throw error;
  }
  return "no error";
}

describe("closures and the depth limit", () => {
  const tuples = [...chain(60), "folder:f1#viewer@user:ann", "folder:f55#viewer@user:bob"];

  it("a chain the walk could not finish within the limit is still refused after shorter ones were kept", () => {
    const fresh = engineWith(tuples);
    const freshError = limitError(() => check(fresh, "doc:d60#view@user:ann"));
    expect(freshError).toMatch(/max depth of 50 exceeded/);

    const warmed = engineWith(tuples);
    // Keeps closures for folders 1 to 30 (30 hops: within the limit) …
    expect(check(warmed, "doc:d30#view@user:ann")).toBe(true);
    // … which must not let a check 60 folders deep answer where the walk stops at the limit.
    expect(limitError(() => check(warmed, "doc:d60#view@user:ann"))).toBe(freshError);
    expect(limitError(() => check(warmed, "doc:d60#view@user:ann"))).toBe(freshError);
  });

  it("every check answers as on a fresh engine, whatever was kept before it", () => {
    const queries = [
      "doc:d60#view@user:bob",
      "doc:d30#view@user:ann",
      "doc:d60#view@user:bob",
      "doc:d56#view@user:bob",
      "doc:d54#view@user:bob",
      "doc:d51#view@user:ann",
      "doc:d50#view@user:ann",
      "doc:d49#view@user:ann",
      "doc:d40#view@user:bob",
      "doc:d60#view@user:ann",
    ];
    const outcome = (engine: Engine, q: string): string => {
      const error = limitError(() => expect(check(engine, q)).toBeTypeOf("boolean"));
      return error === "no error" ? String(check(engine, q)) : error;
    };
    const fresh = queries.map((q) => outcome(engineWith(tuples), q));
    // A grant close to the document answers before the walk reaches the limit.
    expect(fresh[0]).toBe("true");
    expect(fresh[4]).toMatch(/max depth/);
    const warmed = engineWith(tuples);
    expect(queries.map((q) => outcome(warmed, q))).toEqual(fresh);
  });
});

describe("a very long chain", () => {
  it("stops gathering at the depth limit instead of running out of stack", () => {
    const engine = engineWith([...chain(20_000), "folder:f1#viewer@user:ann"]);
    expect(limitError(() => check(engine, "doc:d20000#view@user:ann"))).toMatch(/max depth of 50 exceeded/);
    expect(check(engine, "doc:d40#view@user:ann")).toBe(true);
  });
});

describe("closures too long to copy", () => {
  // 100 viewers on the root (more than one closure copies in), 20 levels, a group at level 10.
  const tuples = [
    ...chain(20),
    ...Array.from({ length: 100 }, (_, i) => `folder:f1#viewer@user:u${i}`),
    "folder:f10#viewer@group:g#member",
    "group:g#member@group:h#member",
    "group:h#member@user:gina",
    "folder:f15#viewer@user:*",
    "doc:d18#banned@user:u7",
  ];

  it("answers through the kept references", () => {
    const engine = engineWith(tuples);
    for (const i of [0, 50, 99]) {
      expect(check(engine, `doc:d1#view@user:u${i}`)).toBe(true);
      expect(check(engine, `doc:d20#view@user:u${i}`)).toBe(true);
    }
    expect(check(engine, "doc:d18#view@user:u7")).toBe(false);
    expect(check(engine, "doc:d17#view@user:u7")).toBe(true);
    expect(check(engine, "doc:d9#view@user:gina")).toBe(false);
    expect(check(engine, "doc:d10#view@user:gina")).toBe(true);
    expect(check(engine, "doc:d20#view@user:gina")).toBe(true);
    // The wildcard at level 15 grants every user from there down, nobody above.
    expect(check(engine, "doc:d14#view@user:stranger")).toBe(false);
    expect(check(engine, "doc:d15#view@user:stranger")).toBe(true);
    expect(check(engine, "doc:d20#view@user:stranger")).toBe(true);
    // Lookups agree.
    expect(engine.lookupResources("t", "doc", "view", { type: "user", id: "gina" }).sort()).toEqual(
      Array.from({ length: 11 }, (_, i) => `d${i + 10}`).sort(),
    );
  });

  it("sees writes to the relations it read", () => {
    const engine = engineWith(tuples);
    // (Below folder 15 everyone may view: the checks stay above it.)
    // A write to the root, whose long closure the others keep by reference.
    expect(check(engine, "doc:d14#view@user:u5")).toBe(true);
    engine.tenant("t").apply([], [parseRelationship("folder:f1#viewer@user:u5")]);
    expect(check(engine, "doc:d14#view@user:u5")).toBe(false);
    expect(check(engine, "doc:d1#view@user:u5")).toBe(false);
    expect(check(engine, "doc:d14#view@user:u6")).toBe(true);
    expect(check(engine, "doc:d14#view@user:gina")).toBe(true);
    engine.tenant("t").apply([], [parseRelationship("folder:f10#viewer@group:g#member")]);
    expect(check(engine, "doc:d14#view@user:gina")).toBe(false);
    engine.tenant("t").apply([parseRelationship("folder:f12#viewer@user:gina")], []);
    expect(check(engine, "doc:d14#view@user:gina")).toBe(true);
    expect(check(engine, "doc:d11#view@user:gina")).toBe(false);
    // A new parent moves a whole subtree under other grants.
    expect(check(engine, "doc:d14#view@user:u3")).toBe(true);
    engine
      .tenant("t")
      .apply(
        [parseRelationship("folder:f11#parent@folder:f50")],
        [parseRelationship("folder:f11#parent@folder:f10")],
      );
    expect(check(engine, "doc:d14#view@user:u3")).toBe(false);
    expect(check(engine, "doc:d14#view@user:gina")).toBe(true);
    expect(check(engine, "doc:d10#view@user:u3")).toBe(true);
  });
});
