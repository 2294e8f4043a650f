import { beforeEach, describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import type { Plan } from "../../src/changes/plan.js";
import { GatehouseError } from "../../src/model/errors.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";

const SCHEMA = `definition user {}
definition group {
  relation member: user
}
definition doc {
  relation viewer: user | group#member
  permission view = viewer
}`;

async function rejection(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

let g: Gatehouse;
beforeEach(async () => {
  g = await Gatehouse.open(":memory:");
  await g.writeSchema(SCHEMA);
  await g.importRelationships(
    "acme",
    ["group:eng#member@user:ann", "group:eng#member@user:bob", "doc:d1#viewer@group:eng#member"].join("\n"),
  );
});

const allowed = async (tuple: string) => {
  const q = parseRelationship(tuple, undefined, "permission");
  return (await g.check("acme", { resource: q.resource, permission: q.relation, subject: q.subject }))
    .allowed;
};

const propose = (text: string, actor = "dev") =>
  g.changes.propose(parseChangeFile(text), { tenant: "acme", actor });

const REVOKE =
  "intent: revoke\nreason: eng no longer reads d1\ndelete:\n  - doc:d1#viewer@group:eng#member\n";

/** Issue 17.2: a write widens what the change takes away between plan and approval. */
const widen = () =>
  g.importRelationships(
    "acme",
    Array.from({ length: 8 }, (_, i) => `group:eng#member@user:u${i}`).join("\n"),
  );

describe("approvals name the plan they approve (issue 17.2)", () => {
  it("an approval naming a plan that is no longer the newest is refused and recorded nowhere", async () => {
    const change = await propose(REVOKE);
    const first = await g.changes.plan(change.id, { actor: "dev" });
    expect(first.plan.lost).toHaveLength(2);
    expect(first.plan.planId).toMatch(/^[0-9a-f]{16}$/);
    await widen();
    const second = await g.changes.plan(change.id, { actor: "dev" });
    expect(second.plan.lost).toHaveLength(10);
    expect(second.plan.planId).not.toBe(first.plan.planId);
    const audited = (await g.store.listAudit({ action: "change.approve" })).length;

    const refused = await rejection(
      g.changes.approve(change.id, { actor: "lead", plan: first.plan.planId! }),
    );
    expect(refused.kind).toBe("conflict");
    expect(refused.message).toContain(
      `plan \`${first.plan.planId}\` is not the newest plan of change ${change.id}`,
    );
    expect(refused.message).toContain(`the newest is \`${second.plan.planId}\``);
    expect(refused.message).toContain("10 lost");
    expect((await g.changes.get(change.id)).approvals).toEqual([]);
    expect((await g.store.listAudit({ action: "change.approve" })).length).toBe(audited);
    expect((await rejection(g.changes.apply(change.id, { actor: "dev" }))).kind).toBe("refused");

    const approved = await g.changes.approve(change.id, { actor: "lead", plan: second.plan.planId! });
    expect(approved.approved).toBe(second.plan.planId);
    expect(approved.plan.blocked).toBe(false);
    expect(approved.change.state).toBe("approved");
    const audit = (await g.store.listAudit({ action: "change.approve" })).at(-1);
    expect(audit?.details).toMatchObject({ plan: second.plan.planId });
    await g.changes.apply(change.id, { actor: "dev" });
  });

  it("an approval given before a new plan is recorded for its plan and does not count for the new one", async () => {
    const change = await propose(REVOKE);
    const first = await g.changes.plan(change.id, { actor: "dev" });
    // A bare approve (the CLI's `change approve ID`) approves the newest plan and says which.
    const approved = await g.changes.approve(change.id, { actor: "lead" });
    expect(approved.approved).toBe(first.plan.planId);
    expect(approved.plan.blocked).toBe(false);
    await widen();
    const second = await g.changes.plan(change.id, { actor: "dev" });
    expect(second.plan.blocked).toBe(true);
    expect(second.plan.approvals).toEqual({ needed: 1, given: 0, by: [] });
    const stored = await g.changes.get(change.id);
    expect(stored.state).toBe("planned");
    expect(stored.approvals).toMatchObject([{ principal: "lead", plan: first.plan.planId }]);
    const blocked = await rejection(g.changes.apply(change.id, { actor: "dev" }));
    expect(blocked.kind).toBe("refused");
    expect(blocked.message).toContain("10 accesses would be lost");
    // The same reviewer may approve the new plan once they have seen it.
    await g.changes.approve(change.id, { actor: "lead", plan: second.plan.planId! });
    const again = await rejection(g.changes.approve(change.id, { actor: "lead", plan: second.plan.planId! }));
    expect(again.message).toContain(`\`lead\` has already approved plan ${second.plan.planId}`);
    await g.changes.apply(change.id, { actor: "dev" });
    expect(await allowed("doc:d1#view@user:u3")).toBe(false);
  });

  it("approvals stored before plans had ids count under the old rule, and such a plan must be planned again", async () => {
    const change = await propose(REVOKE);
    const { plan } = await g.changes.plan(change.id, { actor: "dev" });
    const { planId: _id, ...legacy } = plan;
    await g.store.updateChange(
      change.id,
      { plan: legacy },
      {
        actor: "t",
        action: "test",
        tenant: "acme",
        target: `change:${change.id}`,
        reason: null,
        details: null,
      },
    );
    const refused = await rejection(g.changes.approve(change.id, { actor: "lead" }));
    expect(refused.message).toContain("planned before plans had ids");
    await g.store.addApproval(change.id, "lead", null, {
      actor: "lead",
      action: "change.approve",
      tenant: "acme",
      target: `change:${change.id}`,
      reason: null,
      details: null,
    });
    const current = (await g.changes.get(change.id)) as { plan: Plan } & Awaited<
      ReturnType<typeof g.changes.get>
    >;
    const { withApprovals } = await import("../../src/changes/lifecycle.js");
    expect(withApprovals(current.plan, current, current.approvals).approvals.given).toBe(1);
    // An approval of a named plan never counts for an id-less plan, nor the other way round.
    expect(
      withApprovals({ ...current.plan, planId: "0123456789abcdef" }, current, current.approvals).approvals
        .given,
    ).toBe(0);
  });
});

describe("withdraw and reject (issue 13.5)", () => {
  it("the author withdraws a planned change; nobody else can; it can no longer be planned, approved or applied", async () => {
    const change = await propose(REVOKE);
    await g.changes.plan(change.id, { actor: "dev" });
    const other = await rejection(g.changes.withdraw(change.id, { actor: "lead" }));
    expect(other.kind).toBe("refused");
    expect(other.message).toContain("only the author `dev` can withdraw change");
    const withdrawn = await g.changes.withdraw(change.id, { actor: "dev", reason: "wrong doc" });
    expect(withdrawn.state).toBe("withdrawn");
    const audit = (await g.store.listAudit({ target: `change:${change.id}` })).at(-1);
    expect(audit).toMatchObject({ action: "change.withdraw", actor: "dev", reason: "wrong doc" });
    expect(audit?.details).toEqual({ state: "withdrawn", from: "planned" });
    for (const step of [
      g.changes.plan(change.id, { actor: "dev" }),
      g.changes.approve(change.id, { actor: "lead" }),
      g.changes.apply(change.id, { actor: "dev" }),
      g.changes.withdraw(change.id, { actor: "dev" }),
      g.changes.reject(change.id, { actor: "lead", reason: "no" }),
    ])
      expect((await rejection(step)).kind).toBe("conflict");
  });

  it("a reviewer rejects a proposed change with a reason; a reason is required; an applied change cannot be rejected", async () => {
    const change = await propose(REVOKE);
    expect((await rejection(g.changes.reject(change.id, { actor: "lead", reason: "  " }))).kind).toBe(
      "usage",
    );
    expect((await g.changes.get(change.id)).state).toBe("proposed");
    const rejected = await g.changes.reject(change.id, { actor: "lead", reason: "d1 must stay readable" });
    expect(rejected.state).toBe("rejected");
    expect((await g.store.listAudit({ action: "change.reject" }))[0]).toMatchObject({
      actor: "lead",
      target: `change:${change.id}`,
      reason: "d1 must stay readable",
    });
    const grant = await propose("intent: grant\nreason: r\nwrite:\n  - doc:d2#viewer@user:ann\n");
    await g.changes.plan(grant.id, { actor: "dev" });
    await g.changes.apply(grant.id, { actor: "dev" });
    const late = await rejection(g.changes.reject(grant.id, { actor: "lead", reason: "too late" }));
    expect(late.kind).toBe("conflict");
    expect(late.message).toContain(`change ${grant.id} is applied`);
  });

  it("`change revert` returns the pending revert instead of proposing a second", async () => {
    const change = await propose(REVOKE);
    await g.changes.plan(change.id, { actor: "dev" });
    await g.changes.approve(change.id, { actor: "lead" });
    await g.changes.apply(change.id, { actor: "dev" });
    // A guard against any gain holds the revert (which gives access back) for a second person.
    await g.changes.writeGuards("guards:\n  - name: no-gains\n    kind: max-gain\n    subjects: 0\n", {
      actor: "admin",
    });
    const first = await g.changes.revert(change.id, { actor: "dev" });
    expect(first).toMatchObject({ applied: false, existing: false });
    const second = await g.changes.revert(change.id, { actor: "dev" });
    expect(second).toMatchObject({ applied: false, existing: true });
    expect(second.revert.id).toBe(first.revert.id);
    expect(second.plan.planId).toBe(first.plan.planId);
    const reverts = (await g.store.listChanges()).filter((c) => c.intent === "revert");
    expect(reverts).toHaveLength(1);
    // Once it is withdrawn, a new revert may be proposed.
    await g.changes.withdraw(first.revert.id, { actor: "dev" });
    const third = await g.changes.revert(change.id, { actor: "dev" });
    expect(third.existing).toBe(false);
    expect(third.revert.id).not.toBe(first.revert.id);
    // ... and approved and applied, ending the original.
    await g.changes.approve(third.revert.id, { actor: "lead", plan: third.plan.planId! });
    await g.changes.apply(third.revert.id, { actor: "dev" });
    expect((await g.changes.get(change.id)).state).toBe("reverted");
  });
});
