import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { GatehouseError } from "../../src/model/errors.js";
import { parseRelationship, type SubjectRef } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";
import { type SpiceDBHarness, startSpiceDB } from "../support/spicedb.js";

/**
 * Issue 17, items 10 and 15: one question gets one kind of answer in every form. The depth
 * limit counts the same hops whichever walker answers: a grant found through a plain subject's
 * memberships (its groups, found by walking up from it) counts the nested usersets it stands
 * for, as a walk down from the resource does; explain is built on the check's own answer, with
 * its shortcuts. Before, a 61-link chain of groups answered `check … user:deep` true while its
 * explain and the userset forms failed with the depth limit.
 */
const SCHEMA = `
definition user {}
definition group {
  relation member: user | group#member
}
definition folder {
  relation parent: folder
  relation viewer: group#member
  permission view = viewer + parent->view
}
definition doc {
  relation parent: folder
  relation viewer: user | group#member
  relation banned: user
  permission view = viewer + parent->view
  permission view_unbanned = view - banned
}
`;

/** doc:d#viewer@group:g0#member, g(i)#member@g(i+1)#member, and user:deep in the last group. */
function groupChain(links: number, user = "deep"): string[] {
  const tuples = ["doc:d#viewer@group:g0#member"];
  for (let i = 0; i < links - 1; i++) tuples.push(`group:g${i}#member@group:g${i + 1}#member`);
  tuples.push(`group:g${links - 1}#member@user:${user}`);
  return tuples;
}

function engineWith(tuples: readonly string[]): Engine {
  const engine = new Engine(compileSchema(SCHEMA));
  engine.tenant("t").apply(
    tuples.map((t) => parseRelationship(t)),
    [],
  );
  return engine;
}

/** The answer, or the depth error's message. */
function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    if (error instanceof GatehouseError && error.kind === "limit") return `limit: ${error.message}`;
    throw error;
  }
}

function subjectOf(text: string): SubjectRef {
  return parseRelationship(`doc:x#rel@${text}`).subject;
}

/** Every form of "does `subject` have `permission` on `resource`": check, explain, both lookups. */
function everyForm(engine: Engine, resource: string, permission: string, subject: string) {
  const [type, id] = resource.split(":") as [string, string];
  const ref = { type, id };
  const who = subjectOf(subject);
  const request = { resource: ref, permission, subject: who };
  const check = outcome(() => engine.check("t", request));
  const explain = outcome(() => engine.explain("t", request).result);
  const resources = outcome(() => engine.lookupResources("t", type, permission, who).includes(id));
  const subjects = outcome(() =>
    engine
      .lookupSubjects("t", ref, permission, who.type, who.relation)
      .some((f) => f.subject.id === who.id || f.subject.id === "*"),
  );
  return { check, explain, resources, subjects };
}

function expectOneKind(forms: ReturnType<typeof everyForm>): void {
  const limited = (v: unknown) => typeof v === "string" && v.startsWith("limit:");
  // check and explain: the same answer or the very same error.
  expect(forms.explain).toEqual(forms.check);
  // A lookup fails if any of its candidates does; when the check fails, so does each lookup.
  if (limited(forms.check)) {
    expect(limited(forms.resources)).toBe(true);
    expect(limited(forms.subjects)).toBe(true);
  } else {
    if (!limited(forms.resources)) expect(forms.resources).toBe(forms.check);
    if (!limited(forms.subjects)) expect(forms.subjects).toBe(forms.check);
  }
}

describe("a 61-link chain of nested groups (issue 17 item 15)", () => {
  const engine = engineWith(groupChain(61));

  it("answers every form of the user's question with the depth limit", () => {
    const forms = everyForm(engine, "doc:d", "view", "user:deep");
    expect(forms.check).toMatch(/^limit: max depth of 50 exceeded/);
    expect(forms).toEqual({
      check: forms.check,
      explain: forms.check,
      resources: forms.check,
      subjects: forms.check,
    });
  });

  it("answers every form of the userset's question with the depth limit", () => {
    const forms = everyForm(engine, "doc:d", "view", "group:g60#member");
    expect(forms.check).toMatch(/^limit: max depth of 50 exceeded/);
    expectOneKind(forms);
  });

  it("names the same place as the walk down does", () => {
    // The userset's question walks down; the user's is answered by memberships: same message.
    const user = everyForm(engine, "doc:d", "view", "user:deep").check;
    const userset = everyForm(engine, "doc:d", "view", "group:g60#member").check;
    expect(user).toBe(userset);
    expect(user).toContain("group:g50#member");
  });

  it("answers within the limit from a group close enough", () => {
    for (const subject of ["group:g10#member", "group:g48#member"]) {
      const forms = everyForm(engine, "doc:d", "view", subject);
      expect(forms.check).toBe(true);
      expectOneKind(forms);
    }
  });
});

describe("chains around the limit", () => {
  it.each([30, 48, 49, 50, 51, 52, 60])("a %i-link chain answers alike in every form", (links) => {
    const engine = engineWith([...groupChain(links), "doc:d#banned@user:other", "group:g3#member@user:near"]);
    for (const permission of ["view", "view_unbanned"])
      for (const subject of [
        "user:deep",
        "user:near",
        "user:nobody",
        `group:g${links - 1}#member`,
        "group:g2#member",
      ]) {
        const forms = everyForm(engine, "doc:d", permission, subject);
        expectOneKind(forms);
        if (links <= 49) expect(forms.check).toBe(subject !== "user:nobody");
        if (links >= 51 && subject === "user:deep") expect(forms.check).toMatch(/^limit:/);
      }
  });

  it("counts the hops of groups reached through folders (kept closures) as a walk does", () => {
    // doc → 30 folders → a group chain of 25: 56 hops in all; 15 folders: 41 hops.
    const folders = (n: number) => {
      const tuples = ["doc:d#parent@folder:f0"];
      for (let i = 0; i < n - 1; i++) tuples.push(`folder:f${i}#parent@folder:f${i + 1}`);
      tuples.push(`folder:f${n - 1}#viewer@group:g0#member`);
      return tuples;
    };
    const chainOnly = groupChain(25).filter((t) => !t.startsWith("doc:"));
    for (const [n, expected] of [
      [15, true],
      [30, "limit"],
    ] as const) {
      const engine = engineWith([...folders(n), ...chainOnly]);
      // Warm the closures with a shallow check first: they must not let the deep one through.
      engine.check("t", {
        resource: { type: "folder", id: `f${n - 1}` },
        permission: "view",
        subject: subjectOf("user:deep"),
      });
      const forms = everyForm(engine, "doc:d", "view", "user:deep");
      expectOneKind(forms);
      if (expected === true) expect(forms.check).toBe(true);
      else expect(forms.check).toMatch(/^limit:/);
    }
  });
});

describe("100,000 nested groups (issue 17 item 10)", () => {
  it("check and explain give the same depth error, and a short chain's explain is its proof", () => {
    const engine = engineWith(groupChain(100_000));
    const request = {
      resource: { type: "doc", id: "d" },
      permission: "view",
      subject: subjectOf("user:deep"),
    };
    const check = outcome(() => engine.check("t", request));
    expect(check).toMatch(/^limit: max depth of 50 exceeded at `group:g50#member`/);
    expect(outcome(() => engine.explain("t", request))).toBe(check);

    const short = engineWith(groupChain(3));
    const tree = short.explain("t", request);
    expect(tree.result).toBe(true);
    expect(JSON.stringify(tree)).toContain('"relationship":"group:g2#member@user:deep"');
    expect(JSON.stringify(tree)).toContain('"relationship":"group:g0#member@group:g1#member"');
  });
});

describe("as SpiceDB answers the chains", () => {
  let spicedb: SpiceDBHarness;
  const tuples = [...groupChain(61), ...groupChain(20, "near").map((t) => t.replace(/g(\d+)/g, "h$1"))];
  beforeAll(async () => {
    spicedb = await startSpiceDB(
      SCHEMA,
      tuples.map((t) => parseRelationship(t)),
    );
  }, 60_000);
  afterAll(() => spicedb?.close());

  it("fails the 61-link chain and answers the 20-link one, as Gatehouse now does in every form", async () => {
    const engine = engineWith(tuples);
    const doc = { type: "doc", id: "d" };
    expect(await spicedb.check(doc, "view", { type: "user", id: "deep" })).toBe("error");
    expect(spicedb.lastError).toMatch(/depth/);
    expect(everyForm(engine, "doc:d", "view", "user:deep").check).toMatch(/^limit:/);
    expect(await spicedb.check(doc, "view", { type: "user", id: "near" })).toBe(true);
    expect(everyForm(engine, "doc:d", "view", "user:near").check).toBe(true);
  });
});
