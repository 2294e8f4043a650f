import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import type { ExplainNode } from "../../src/engine/explain.js";
import { MAX_EXPLAIN_STEPS } from "../../src/engine/limits.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";

/**
 * Explain takes every step of the walk again instead of the check's remembered answers, so a
 * diamond (each object reaching the next level twice) made its tree, and its time and memory,
 * double with each level: 160 relationships 40 levels deep took one `explain` past a 4 GB heap
 * and the server with it. A walk past `MAX_EXPLAIN_STEPS` is refused with a limit error.
 */
const SCHEMA = `
caveat weekday(day string) { day != "sunday" }
definition user {}
definition group {
  relation member: user | group#member
  relation banned: user | group#member
  permission allowed = member - banned
}
definition folder {
  relation parent: folder
  relation viewer: user | user with weekday
  permission view = viewer + parent->view
}
definition document {
  relation viewer: group#member
  relation readers: group
  permission view = viewer + readers->allowed
}
`;

/** Levels 0..depth of a diamond: a{i} and b{i} each lead to both a{i+1} and b{i+1}. */
function diamond(depth: number, edge: (from: string, to: string) => string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < depth; i++)
    for (const a of ["a", "b"]) for (const b of ["a", "b"]) lines.push(...edge(`${a}${i}`, `${b}${i + 1}`));
  return lines;
}

function engineWith(lines: readonly string[], caveated = false): Engine {
  const engine = new Engine(compileSchema(SCHEMA));
  const relationships = lines.map((line) => parseRelationship(line));
  // A caveated relationship anywhere in the tenant: the three-valued walk explains then.
  if (caveated)
    relationships.push({ ...parseRelationship("folder:z#viewer@user:ann"), caveat: { name: "weekday" } });
  engine.tenant("t").apply(relationships, []);
  return engine;
}

function size(node: ExplainNode): number {
  let n = 0;
  const stack = [node];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    n++;
    stack.push(...next.children);
  }
  return n;
}

const folders = diamond(18, (from, to) => [`folder:${from}#parent@folder:${to}`]);
const groups = diamond(18, (from, to) => [
  `group:${from}#member@group:${to}#member`,
  `group:${from}#banned@group:${to}#member`,
]);
const data = {
  arrows: folders,
  usersets: [...groups, "document:d#viewer@group:a0#member", "document:d#readers@group:a0"],
};
const nobody = { type: "user", id: "nobody" };
const asked = {
  arrows: { resource: { type: "folder", id: "a0" }, permission: "view", subject: nobody },
  usersets: { resource: { type: "document", id: "d" }, permission: "view", subject: nobody },
};

describe("explain's walk is bounded", () => {
  for (const kind of ["arrows", "usersets"] as const) {
    for (const conditional of [false, true]) {
      // Without conditions a userset is answered from the subject's memberships, not walked.
      if (kind === "usersets" && !conditional) continue;
      it(`refuses a diamond of ${kind} 18 levels deep${conditional ? ", over caveated data" : ""} with a limit error, at once`, () => {
        const engine = engineWith(data[kind], conditional);
        const request = asked[kind];
        expect(engine.check("t", request)).toBe(false);
        const started = Date.now();
        expect(() => engine.explain("t", request)).toThrow(
          expect.objectContaining({
            kind: "limit",
            message: expect.stringMatching(
              new RegExp(`more than ${MAX_EXPLAIN_STEPS.toLocaleString("en")} steps`),
            ),
          }),
        );
        expect(Date.now() - started).toBeLessThan(5_000);
      });
    }
  }

  it("explains a deep diamond of usersets without conditions whole: memberships answer it, not a walk", () => {
    const tree = engineWith(data.usersets).explain("t", asked.usersets);
    expect(tree.result).toBe(false);
    expect(size(tree)).toBeLessThan(1_000);
  });

  it("still explains a diamond a few levels deep, whole", () => {
    const engine = engineWith(diamond(4, (from, to) => [`folder:${from}#parent@folder:${to}`]));
    const tree = engine.explain("t", {
      resource: { type: "folder", id: "a0" },
      permission: "view",
      subject: { type: "user", id: "nobody" },
    });
    expect(tree.result).toBe(false);
    expect(size(tree)).toBeGreaterThan(30);
    expect(size(tree)).toBeLessThan(MAX_EXPLAIN_STEPS);
  });
});
