import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computePlan } from "../../src/changes/plan.js";
import type { AccessRow } from "../../src/engine/access-diff.js";
import { Engine } from "../../src/engine/engine.js";
import { formatRelationship, type Relationship } from "../../src/model/relationship.js";
import type { CompiledSchema } from "../../src/schema/compiled.js";
import { compileSchema } from "../../src/schema/schema.js";

/**
 * The plan is exact: for every resource, permission and subject, it reports a change exactly
 * when a brute-force check before and after the change disagree. A subject no row names moves
 * with its type's wildcard row (`user:*`), unless the row lists it as an exception. For data
 * changes the same holds of userset subjects (`group:g1#member`, `folder:f1#viewer`): every answer
 * of one that moves is a row of `plan.usersets`, and nothing else is.
 */
const BASE = `definition user {}
definition group {
  relation member: user | group#member
  relation banned: user
  permission active = member - banned
}
definition folder {
  relation parent: folder
  relation viewer: user | group#member | user:*
  relation editor: user | group#member
  permission edit = editor + parent->edit
  permission view = viewer + edit + parent->view
}
definition document {
  relation parent: folder
  relation viewer: user | group#member | user:*
  relation owner: user
  relation banned: user
  relation reviewer: group
  permission edit = owner + parent->edit
  permission view = (viewer + edit + parent->view) - banned
  permission review = view & reviewer.all(active)
  permission comment = view - edit
}`;

/** A model change: document viewers must now also be folder viewers (stricter), or anyone may edit (looser). */
const VARIANTS = [
  BASE,
  BASE.replace(
    "permission view = (viewer + edit + parent->view) - banned",
    "permission view = (viewer & parent->view) + edit - banned",
  ),
  BASE.replace("permission edit = editor + parent->edit", "permission edit = editor + viewer + parent->edit"),
  BASE.replace(
    "permission review = view & reviewer.all(active)",
    "permission review = view & reviewer->member",
  ),
  // The shapes a plan settles by checking only the subjects of the added or removed part
  // (see src/changes/model-candidates.ts): a subtracted part added, removed, a union operand
  // added, and a change deep in a dependency (group#active) that everything above reads.
  BASE.replace("permission edit = owner + parent->edit", "permission edit = (owner + parent->edit) - banned"),
  BASE.replace(
    "permission view = (viewer + edit + parent->view) - banned",
    "permission view = viewer + edit + parent->view",
  ),
  BASE.replace("permission edit = editor + parent->edit", "permission edit = editor + parent->edit + viewer"),
  BASE.replace("permission active = member - banned", "permission active = member"),
  BASE.replace("relation owner: user\n", "relation owner: user | group#member\n"),
  BASE.replace(
    "permission view = (viewer + edit + parent->view) - banned",
    "permission view = (viewer + parent->view) - banned",
  ),
];

const users = ["ann", "bob", "cid", "dan"];
const groups = ["g1", "g2", "g3"];
const folders = ["f1", "f2", "f3"];
const documents = ["d1", "d2", "d3"];
const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const user = pick(users).map((id) => ({ type: "user", id }));
const groupSet = pick(groups).map((id) => ({ type: "group", id, relation: "member" }));
const rel = (type: string, ids: string[], relation: string, subject: fc.Arbitrary<Relationship["subject"]>) =>
  fc.record({ resource: pick(ids).map((id) => ({ type, id })), relation: fc.constant(relation), subject });
const relationship: fc.Arbitrary<Relationship> = fc.oneof(
  rel("group", groups, "member", fc.oneof(user, groupSet)),
  rel("group", groups, "banned", user),
  rel(
    "folder",
    folders,
    "parent",
    pick(folders).map((id) => ({ type: "folder", id })),
  ),
  rel("folder", folders, "viewer", fc.oneof(user, groupSet, fc.constant({ type: "user", id: "*" }))),
  rel("folder", folders, "editor", fc.oneof(user, groupSet)),
  rel(
    "document",
    documents,
    "parent",
    pick(folders).map((id) => ({ type: "folder", id })),
  ),
  rel("document", documents, "viewer", fc.oneof(user, groupSet, fc.constant({ type: "user", id: "*" }))),
  rel("document", documents, "owner", user),
  rel("document", documents, "banned", user),
  rel(
    "document",
    documents,
    "reviewer",
    pick(groups).map((id) => ({ type: "group", id })),
  ),
);

function unique(rs: Relationship[]): Relationship[] {
  return [...new Map(rs.map((r) => [formatRelationship(r), r])).values()];
}

/**
 * Userset subjects a check may name: every member of every object (a userset contains itself,
 * and any of them may be named in a relationship), and a group the data never names.
 */
function usersetSubjects(schema: CompiledSchema): Relationship["subject"][] {
  const out: Relationship["subject"][] = [{ type: "group", id: "g9", relation: "member" }];
  for (const [type, ids] of [
    ["group", groups],
    ["folder", folders],
    ["document", documents],
  ] as const)
    for (const member of schema.typesByName.get(type)!.members.values())
      for (const id of ids) out.push({ type, id, relation: member.name });
  return out;
}

/** Every (resource, permission, userset subject) answer: keys `type:id#permission@type:id#relation`. */
function usersetAnswers(engine: Engine, schema: CompiledSchema): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const subjects = usersetSubjects(schema);
  for (const [type, ids] of [
    ["group", groups],
    ["folder", folders],
    ["document", documents],
  ] as const) {
    for (const member of schema.typesByName.get(type)!.members.values()) {
      if (member.kind !== "permission") continue;
      for (const id of ids)
        for (const subject of subjects)
          out.set(
            `${type}:${id}#${member.name}@${subject.type}:${subject.id}#${subject.relation}`,
            engine.check("t", { resource: { type, id }, permission: member.name, subject }, schema),
          );
    }
  }
  return out;
}

/** Every (resource, permission, subject) answer, for every known user and a never-seen one. */
function answers(engine: Engine, schema: CompiledSchema): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const subjects = [...users, "nobody"];
  for (const [type, ids] of [
    ["group", groups],
    ["folder", folders],
    ["document", documents],
  ] as const) {
    for (const member of schema.typesByName.get(type)!.members.values()) {
      if (member.kind !== "permission") continue;
      for (const id of ids) {
        for (const u of subjects) {
          const key = `${type}:${id}#${member.name}@user:${u}`;
          out.set(
            key,
            engine.check(
              "t",
              { resource: { type, id }, permission: member.name, subject: { type: "user", id: u } },
              schema,
            ),
          );
        }
      }
    }
  }
  return out;
}

/** What the plan says happens to `user:u` on resource#permission: "gained", "lost" or "same". */
function planSays(
  rows: { gained: readonly AccessRow[]; lost: readonly AccessRow[] },
  resource: string,
  permission: string,
  u: string,
): string {
  for (const [name, list] of [
    ["gained", rows.gained],
    ["lost", rows.lost],
  ] as const) {
    if (list.some((r) => r.resource === resource && r.permission === permission && r.subject === `user:${u}`))
      return name;
  }
  for (const [name, list] of [
    ["gained", rows.gained],
    ["lost", rows.lost],
  ] as const) {
    const wildcard = list.find(
      (r) => r.resource === resource && r.permission === permission && r.subject === "user:*",
    );
    if (wildcard && !(wildcard.except ?? []).includes(`user:${u}`)) return name;
  }
  return "same";
}

/** Plans the change, then compares every row with brute-force checks before and after it. */
function planEqualsChecks(
  initial: Relationship[],
  additions: Relationship[],
  deletionPicks: number[],
  variant: number,
): void {
  const data = unique(initial);
  const before = compileSchema(BASE);
  const after = variant === 0 ? before : compileSchema(VARIANTS[variant]!);
  const engine = new Engine(before);
  engine.tenant("t").apply(data, []);
  const live = new Set(data.map(formatRelationship));
  const writes = unique(additions).filter((r) => !live.has(formatRelationship(r)));
  const deletes = unique(deletionPicks.map((i) => data[i % data.length]!));
  const expectedBefore = answers(engine, before);
  // Userset rows are looked for in data changes (a model change alone reports none).
  const usersetsBefore = variant === 0 ? usersetAnswers(engine, before) : undefined;

  const plan = computePlan({
    changeId: 1,
    tenant: "t",
    intent: "migration",
    baseRevision: 1,
    engine,
    schemaBefore: before,
    schemaAfter: after,
    writes,
    deletes,
    schemaTenants: ["t"],
    guards: [],
    now: new Date(0),
  });
  // Planning leaves the live index as it was.
  expect(answers(engine, before)).toEqual(expectedBefore);

  engine.tenant("t").apply(writes, deletes);
  const expectedAfter = answers(engine, after);
  for (const [key, was] of expectedBefore) {
    const is = expectedAfter.get(key);
    if (is === undefined) continue;
    const [resource, rest] = key.split("#") as [string, string];
    const [permission, subject] = rest.split("@") as [string, string];
    const expected = was === is ? "same" : is ? "gained" : "lost";
    expect(`${key}: ${planSays(plan, resource, permission, subject.slice(5))}`).toBe(`${key}: ${expected}`);
  }
  if (usersetsBefore === undefined) return;
  // Every userset subject's answer that moved is a userset row, and no row names one that did not.
  const usersetsAfter = usersetAnswers(engine, after);
  const moved: string[] = [];
  for (const [key, was] of usersetsBefore) {
    const is = usersetsAfter.get(key)!;
    if (was !== is) moved.push(`${is ? "gained" : "lost"} ${key}`);
  }
  const rows = [
    ...plan.usersets!.gained.map((r) => `gained ${r.resource}#${r.permission}@${r.subject}`),
    ...plan.usersets!.lost.map((r) => `lost ${r.resource}#${r.permission}@${r.subject}`),
  ];
  expect(rows.sort()).toEqual(moved.sort());
  // The summary counts the rows by type and permission.
  const counted = plan.usersets!.summary.reduce((n, line) => n + line.gained + line.lost, 0);
  expect(counted).toBe(rows.length);
}

describe("plans", () => {
  it("equal the difference of brute-force checks before and after, for data and model changes", () => {
    fc.assert(
      fc.property(
        fc.array(relationship, { minLength: 5, maxLength: 40 }),
        fc.array(relationship, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat({ max: VARIANTS.length - 1 }),
        planEqualsChecks,
      ),
      { numRuns: Number(process.env.PLAN_RUNS ?? 150) },
    );
  });

  it("equal brute-force checks for changes that only delete or only write (one-way shortcut)", () => {
    // With the touched relations read only positively, a plan checks again only what could
    // move (see readOnlyPositively); where they are subtracted it must check everything.
    fc.assert(
      fc.property(
        fc.array(relationship, { minLength: 5, maxLength: 40 }),
        fc.array(relationship, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (initial, additions, deletionPicks, onlyDelete) =>
          onlyDelete
            ? planEqualsChecks(initial, [], deletionPicks, 0)
            : planEqualsChecks(initial, additions, [], 0),
      ),
      { numRuns: Number(process.env.PLAN_RUNS ?? 150) },
    );
  });

  it("equal brute-force checks for model changes alone, with and without wildcards in the data", () => {
    fc.assert(
      fc.property(
        fc.array(relationship, { minLength: 5, maxLength: 50 }),
        fc.boolean(),
        fc.integer({ min: 1, max: VARIANTS.length - 1 }),
        (initial, withWildcards, variant) =>
          planEqualsChecks(
            withWildcards ? initial : initial.filter((r) => r.subject.id !== "*"),
            [],
            [],
            variant,
          ),
      ),
      { numRuns: Number(process.env.PLAN_RUNS ?? 150) },
    );
  });
});
