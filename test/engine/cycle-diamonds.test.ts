import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { parseRelationship, type Relationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";

/**
 * A check remembered an answer only when no cycle was cut below it, so one cycle at the bottom of
 * data whose objects reach the same objects by two paths (a diamond: each folder with two
 * parents, each of two parents) left every answer above it unremembered, and the walk doubled
 * with each level: 162 relationships 40 levels deep, written by a tenant's own `write` token,
 * kept one `check` (and the server's one event loop) busy for longer than anyone waited. The
 * same held for the three-valued walk over caveated data and for lookups' set walks.
 */
const SCHEMA = `
caveat weekday(day string) { day != "sunday" }
definition user {}
definition folder {
  relation parent: folder
  relation viewer: user | user with weekday
  permission view = viewer + parent->view
}
definition group {
  relation member: user | user with weekday | group#member
}
definition document {
  relation viewer: group#member
  permission view = viewer
}
`;
const DEPTH = Number(process.env.DIAMOND_DEPTH ?? 20);

type Cycles =
  | "self-loops at the bottom"
  | "every folder back to the top"
  | "each level back to the one above";

function folders(cycles: Cycles): string[] {
  const lines: string[] = [];
  for (let i = 0; i < DEPTH; i++) {
    for (const a of ["a", "b"])
      for (const b of ["a", "b"]) lines.push(`folder:${a}${i}#parent@folder:${b}${i + 1}`);
    if (cycles === "every folder back to the top") lines.push(`folder:b${i + 1}#parent@folder:a0`);
    if (cycles === "each level back to the one above") lines.push(`folder:a${i + 1}#parent@folder:a${i}`);
  }
  if (cycles === "self-loops at the bottom")
    lines.push(`folder:a${DEPTH}#parent@folder:a${DEPTH}`, `folder:b${DEPTH}#parent@folder:b${DEPTH}`);
  return lines;
}

function engineWith(lines: readonly string[], caveated: boolean): Engine {
  const engine = new Engine(compileSchema(SCHEMA));
  const relationships: Relationship[] = lines.map((line) => parseRelationship(line));
  // A caveated relationship in the tenant, on a relation the walk meets: the three-valued walk answers.
  if (caveated)
    relationships.push({ ...parseRelationship("folder:z#viewer@user:ann"), caveat: { name: "weekday" } });
  engine.tenant("t").apply(relationships, []);
  return engine;
}

const user = (id: string) => ({ type: "user", id });

describe("checks over cycles in diamonds stay linear", () => {
  for (const cycles of [
    "self-loops at the bottom",
    "every folder back to the top",
    "each level back to the one above",
  ] as const) {
    for (const caveated of [false, true]) {
      it(`${cycles}, ${DEPTH} levels${caveated ? ", caveated data" : ""}`, () => {
        const granted = `folder:b${DEPTH}#viewer@user:ann`;
        const engine = engineWith([...folders(cycles), granted], caveated);
        const started = Date.now();
        const check = (folder: string, who: string) =>
          engine.checkAnswer("t", {
            resource: { type: "folder", id: folder },
            permission: "view",
            subject: user(who),
          }).permissionship;
        const expected: [string, string, string][] = [
          ["a0", "nobody", "no_permission"],
          ["a0", "ann", "has_permission"],
          ["b1", "ann", "has_permission"],
          [
            `a${DEPTH}`,
            "ann",
            cycles === "each level back to the one above" ? "has_permission" : "no_permission",
          ],
        ];
        for (const [folder, who, answer] of expected) {
          if (cycles !== "each level back to the one above") {
            expect(check(folder, who)).toBe(answer);
            continue;
          }
          // Cycles between every two levels still defeat what a check remembers: the step
          // limit answers, with a limit error, in a fraction of a second.
          try {
            expect(check(folder, who)).toBe(answer);
          } catch (error) {
            expect(error).toMatchObject({
              kind: "limit",
              message: expect.stringMatching(/more than 1,000,000 steps/),
            });
          }
        }
        expect(Date.now() - started).toBeLessThan(
          cycles === "each level back to the one above" ? 4_000 : 250,
        );
      });
    }
  }

  for (const cycles of [
    "self-loops at the bottom",
    "every folder back to the top",
    "each level back to the one above",
  ] as const) {
    it(`LookupSubjects over ${cycles}, ${DEPTH} levels`, () => {
      const engine = engineWith([...folders(cycles), `folder:b${DEPTH}#viewer@user:ann`], false);
      const started = Date.now();
      const subjects = engine.lookupSubjects("t", { type: "folder", id: "a0" }, "view", "user");
      expect(subjects.map((s) => s.subject.id)).toEqual(["ann"]);
      expect(Date.now() - started).toBeLessThan(250);
    });
  }
});
