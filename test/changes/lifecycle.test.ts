import { beforeEach, describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { parseGuards } from "../../src/changes/guards.js";
import { GatehouseError } from "../../src/model/errors.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";

const SCHEMA = `definition user {}
definition group {
  relation member: user | group#member
}
definition doc {
  relation viewer: user | group#member
  relation owner: user
  permission view = viewer + owner
}`;

function errorOf(run: () => unknown): GatehouseError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

async function rejection(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

const check = async (g: Gatehouse, tuple: string) => {
  const q = parseRelationship(tuple, undefined, "permission");
  return (await g.check("acme", { resource: q.resource, permission: q.relation, subject: q.subject }))
    .allowed;
};

let g: Gatehouse;
beforeEach(async () => {
  g = await Gatehouse.open(":memory:");
  await g.writeSchema(SCHEMA);
  await g.importRelationships(
    "acme",
    ["group:eng#member@user:ann", "doc:d1#viewer@group:eng#member", "doc:d2#owner@user:bob"].join("\n"),
  );
});

describe("change files", () => {
  it("report every problem with its line, and unknown keys", () => {
    const error = errorOf(() =>
      parseChangeFile("tenant: acme\nintent: tidy\nwrite:\n  - doc:d1#viewer@user\ncolour: blue\n", "c.yaml"),
    );
    const messages = error.details.map((d) => `${d.place?.line}: ${d.message}`);
    expect(messages).toEqual([
      "1: missing `reason`: say why, for the reviewer and the audit trail",
      "2: unknown intent `tidy`: expected one of `grant`, `revoke`, `cleanup`, `migration`, `model`, `restore`, `merge`",
      "4: invalid subject `user`: expected `type:id`",
      "5: unknown key `colour` in a change file: expected one of `tenant`, `intent`, `reason`, `write`, `delete`, `delete_where`, `schema`",
    ]);
  });

  it("are checked against the schema and the data when proposed, and nothing is stored", async () => {
    const file = parseChangeFile(
      "intent: grant\nreason: r\nwrite:\n  - doc:d1#viewer@usr:ann\ndelete:\n  - doc:d9#viewer@user:zed\n",
      "c.yaml",
    );
    const error = await rejection(g.changes.propose(file, { tenant: "acme", actor: "ann" }));
    expect(error.details.map((d) => `${d.place?.line}: ${d.message}`)).toEqual([
      "4: unknown subject type `usr` in `doc:d1#viewer@usr:ann`; the schema defines `user`, `group`, `doc`",
      "6: cannot delete `doc:d9#viewer@user:zed`: it does not exist in tenant `acme`",
    ]);
    expect(await g.store.listChanges()).toEqual([]);
  });
});

describe("guards files", () => {
  it("report unknown kinds and missing limits with their lines", () => {
    const error = errorOf(() =>
      parseGuards("guards:\n  - name: a\n    kind: max-loss\n  - name: b\n    kind: magic\n", "g.yaml"),
    );
    expect(error.details.map((d) => `${d.place?.line}: ${d.message}`)).toEqual([
      "2: a `max-loss` guard needs `subjects` or `resources` (a limit)",
      "5: unknown guard kind `magic`: expected one of `access-neutral`, `max-loss`, `max-gain`, `subset`, `assertions`, `direct-writes`",
    ]);
  });

  it("say a kind is missing, and name an unknown one as it was written", () => {
    const error = errorOf(() =>
      parseGuards("guards:\n  - name: a\n    kind: max-los\n    subjects: 1\n  - name: b\n", "g.yaml"),
    );
    expect(error.details.map((d) => `${d.place?.line}: ${d.message}`)).toEqual([
      "3: unknown guard kind `max-los`: expected one of `access-neutral`, `max-loss`, `max-gain`, `subset`, `assertions`, `direct-writes`",
      "5: a guard needs a `kind`: one of `access-neutral`, `max-loss`, `max-gain`, `subset`, `assertions`, `direct-writes`",
    ]);
  });
});

describe("the change lifecycle", () => {
  const propose = (text: string, actor = "ann") =>
    g.changes.propose(parseChangeFile(text), { tenant: "acme", actor });

  it("refuses a stale plan, and planning again lets it through", async () => {
    const change = await propose("intent: grant\nreason: share\nwrite:\n  - doc:d2#viewer@user:cid\n");
    await g.changes.plan(change.id, { actor: "ann" });
    await g.writeRelationships("acme", [
      { operation: "create", relationship: parseRelationship("doc:d2#viewer@user:dan") },
    ]);
    const stale = await rejection(g.changes.apply(change.id, { actor: "ann" }));
    expect(stale.kind).toBe("conflict");
    expect(stale.message).toContain("stale");
    expect((await g.changes.get(change.id)).state).toBe("stale");
    await g.changes.plan(change.id, { actor: "ann" });
    await g.changes.apply(change.id, { actor: "ann" });
    expect(await check(g, "doc:d2#view@user:cid")).toBe(true);
  });

  it("is not stale when unrelated objects change", async () => {
    const change = await propose("intent: grant\nreason: share\nwrite:\n  - doc:d2#viewer@user:cid\n");
    await g.changes.plan(change.id, { actor: "ann" });
    await g.writeRelationships("acme", [
      { operation: "create", relationship: parseRelationship("doc:d7#viewer@user:dan") },
    ]);
    await g.changes.apply(change.id, { actor: "ann" });
    expect(await check(g, "doc:d2#view@user:cid")).toBe(true);
  });

  it("asks for approval again after a new plan", async () => {
    const change = await propose(
      "intent: revoke\nreason: offboard\ndelete:\n  - group:eng#member@user:ann\n",
    );
    const first = await g.changes.plan(change.id, { actor: "ann" });
    expect(first.plan.lost.map((r) => r.subject)).toEqual(["user:ann"]);
    await g.changes.approve(change.id, { actor: "bob" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await g.changes.plan(change.id, { actor: "ann" });
    expect(again.plan.blocked).toBe(true);
    expect((await rejection(g.changes.apply(change.id, { actor: "ann" }))).kind).toBe("refused");
    await g.changes.approve(change.id, { actor: "cid" });
    await g.changes.apply(change.id, { actor: "ann" });
    expect(await check(g, "doc:d1#view@user:ann")).toBe(false);
  });

  it("a revert leaves alone what later changes touched, and names it", async () => {
    const change = await propose(
      "intent: grant\nreason: share\nwrite:\n  - doc:d2#viewer@user:cid\n  - doc:d2#viewer@user:dan\n",
    );
    await g.changes.plan(change.id, { actor: "ann" });
    await g.changes.apply(change.id, { actor: "ann" });
    await g.writeRelationships("acme", [
      { operation: "delete", relationship: parseRelationship("doc:d2#viewer@user:dan") },
    ]);
    const { plan, applied } = await g.changes.revert(change.id, { actor: "bob" });
    expect(applied).toBe(false); // the revert takes cid's access away, which needs an approval
    expect(plan.conflicts).toEqual(["`doc:d2#viewer@user:dan` no longer exists; nothing to delete"]);
    expect(plan.lost.map((r) => r.subject)).toEqual(["user:cid"]);
  });

  it("a revert blocked at first, approved and applied later, marks its original reverted", async () => {
    const change = await propose("intent: grant\nreason: share\nwrite:\n  - doc:d3#viewer@user:cid\n");
    await g.changes.plan(change.id, { actor: "ann" });
    await g.changes.apply(change.id, { actor: "ann" });
    const { revert, applied } = await g.changes.revert(change.id, { actor: "bob" });
    expect(applied).toBe(false);
    expect((await g.changes.get(change.id)).state).toBe("applied");
    await g.changes.approve(revert.id, { actor: "cid" });
    await g.changes.apply(revert.id, { actor: "bob" });
    const original = await g.changes.get(change.id);
    expect(original.state).toBe("reverted");
    expect(original.revertedBy).toBe(revert.id);
    expect(await check(g, "doc:d3#view@user:cid")).toBe(false);
  });

  it("restore proposes the change back to a past revision", async () => {
    const before = g.revision;
    await g.writeRelationships("acme", [
      { operation: "delete", relationship: parseRelationship("doc:d1#viewer@group:eng#member") },
      { operation: "create", relationship: parseRelationship("doc:d1#viewer@user:eve") },
    ]);
    const change = await g.changes.restore("acme", before, { resourceType: "doc" }, { actor: "ops" });
    expect(change.intent).toBe("restore");
    const { plan } = await g.changes.plan(change.id, { actor: "ops" });
    expect(plan.gained.map((r) => r.subject)).toEqual(["user:ann"]);
    expect(plan.lost.map((r) => r.subject)).toEqual(["user:eve"]);
    await g.changes.approve(change.id, { actor: "lead" });
    await g.changes.apply(change.id, { actor: "ops" });
    expect(await check(g, "doc:d1#view@user:ann")).toBe(true);
    expect(await check(g, "doc:d1#view@user:eve")).toBe(false);
  });

  it("max-loss and assertions guards report in words a reviewer understands", async () => {
    await g.changes.writeGuards(
      'guards:\n  - name: small\n    kind: max-loss\n    subjects: 0\n  - name: ann-reads-d1\n    kind: assertions\n    assertTrue: ["doc:d1#view@user:ann"]\n',
      { actor: "sec" },
    );
    const change = await propose("intent: revoke\nreason: r\ndelete:\n  - doc:d1#viewer@group:eng#member\n");
    const { plan } = await g.changes.plan(change.id, { actor: "ann" });
    expect(plan.guards.map((x) => [x.name, x.passed, x.message])).toEqual([
      ["small", false, "1 subjects would lose access, more than the limit of 0"],
      [
        "ann-reads-d1",
        false,
        "1 of 1 assertions fail after the change: `doc:d1#view@user:ann` would be false",
      ],
    ]);
  });

  it("a model change that would orphan relationships cannot be planned", async () => {
    const change = await propose(
      `intent: model\nreason: drop owners\nschema: |\n  definition user {}\n  definition group {\n    relation member: user | group#member\n  }\n  definition doc {\n    relation viewer: user | group#member\n    permission view = viewer\n  }\n`,
    );
    const error = await rejection(g.changes.plan(change.id, { actor: "ann" }));
    expect(error.message).toContain("does not allow `doc#owner@user`");
  });
});
