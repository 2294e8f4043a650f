import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { possibleLosers } from "../../src/changes/direct-writes.js";
import { computePlan } from "../../src/changes/plan.js";
import { Engine } from "../../src/engine/engine.js";
import { formatRelationship, type Relationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";
import type { RelationshipUpdate } from "../../src/store/store.js";

/**
 * The direct-writes guard skips the plan when every update can move only its own subject. That
 * shortcut must never under-count: on random data and random small writes over a schema with
 * nested groups, arrows, an exclusion, an intersection and wildcards, whenever it names the
 * possible losers, the exact plan's losers are among them.
 */
const SCHEMA = compileSchema(`definition user {}
definition group {
  relation member: user | group#member
}
definition folder {
  relation parent: folder
  relation viewer: user | group#member | user:*
  relation auditor: user
  permission view = viewer + parent->view
  permission audit = view & auditor
}
definition document {
  relation parent: folder
  relation viewer: user | group#member | user:*
  relation banned: user | group#member
  permission view = (viewer + parent->view) - banned
}`);

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const user = pick(["ann", "bob", "cid", "dan"]).map((id) => ({ type: "user", id }));
const group = pick(["eng", "ops"]);
const folder = pick(["f1", "f2", "f3"]).map((id) => ({ type: "folder", id }));
const document = pick(["d1", "d2"]).map((id) => ({ type: "document", id }));
const relationship: fc.Arbitrary<Relationship> = fc.oneof(
  fc.record({
    resource: group.map((id) => ({ type: "group", id })),
    relation: fc.constant("member"),
    subject: fc.oneof(
      user,
      group.map((id) => ({ type: "group", id, relation: "member" })),
    ),
  }),
  fc.record({ resource: folder, relation: fc.constant("parent"), subject: folder }),
  fc.record({ resource: document, relation: fc.constant("parent"), subject: folder }),
  fc.record({
    resource: fc.oneof(folder, document),
    relation: fc.constant("viewer"),
    subject: fc.oneof(
      user,
      fc.constant({ type: "user", id: "*" }),
      group.map((id) => ({ type: "group", id, relation: "member" })),
    ),
  }),
  fc.record({ resource: folder, relation: fc.constant("auditor"), subject: user }),
  fc.record({
    resource: document,
    relation: fc.constant("banned"),
    subject: fc.oneof(
      user,
      group.map((id) => ({ type: "group", id, relation: "member" })),
    ),
  }),
);

describe("the direct-writes guard's shortcut", () => {
  it("never names fewer losers than the exact plan finds", () => {
    fc.assert(
      fc.property(
        fc.array(relationship, { maxLength: 30 }),
        fc.array(fc.record({ delete: fc.boolean(), relationship }), { minLength: 1, maxLength: 3 }),
        (data, writes) => {
          const engine = new Engine(SCHEMA);
          const index = engine.tenant("t");
          const live = new Map(data.map((r) => [formatRelationship(r), r]));
          index.apply([...live.values()], []);
          // Deletes of live relationships, writes of missing ones, as a direct write resolves them.
          const updates: RelationshipUpdate[] = [];
          const seen = new Set<string>();
          for (const w of writes) {
            const key = formatRelationship(w.relationship);
            if (seen.has(key)) continue;
            seen.add(key);
            if (w.delete && live.has(key))
              updates.push({ operation: "delete", relationship: w.relationship });
            if (!w.delete && !live.has(key))
              updates.push({ operation: "touch", relationship: w.relationship });
          }
          if (updates.length === 0) return;
          const losers = possibleLosers(SCHEMA, updates);
          if (losers === undefined) return;
          const plan = computePlan({
            changeId: 0,
            tenant: "t",
            intent: "revoke",
            baseRevision: 0,
            engine,
            schemaBefore: SCHEMA,
            schemaAfter: SCHEMA,
            writes: updates.filter((u) => u.operation !== "delete").map((u) => u.relationship),
            deletes: updates.filter((u) => u.operation === "delete").map((u) => u.relationship),
            schemaTenants: [],
            guards: [],
            now: new Date(0),
          });
          for (const row of plan.lost) expect([...losers]).toContain(row.subject);
        },
      ),
      { numRuns: 500 },
    );
  });
});
