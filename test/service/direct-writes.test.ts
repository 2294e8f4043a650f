import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { DEFAULT_GUARDS, DEFAULT_GUARDS_TEXT, parseGuards } from "../../src/changes/guards.js";
import { GatehouseError } from "../../src/model/errors.js";
import { formatRelationship, parseRelationship } from "../../src/model/relationship.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import type { RelationshipUpdate } from "../../src/store/store.js";

/**
 * Direct writes through the library door: each names its actor, door and request in its
 * revision, with an audit record; the `direct-writes` guards hold them to a blast radius; and a
 * direct delete is undone by `restore --to-revision` like a change.
 */
const SCHEMA = `definition user {}
definition group {
  relation member: user | group#member
}
definition folder {
  relation viewer: user | group#member | user:*
  relation banned: user
  permission view = viewer - banned
}
definition document {
  relation parent: folder
  relation viewer: user
  permission view = viewer + parent->view
}`;

const rel = (text: string) => parseRelationship(text);
const updates = (operation: RelationshipUpdate["operation"], ...texts: string[]): RelationshipUpdate[] =>
  texts.map((t) => ({ operation, relationship: rel(t) }));

async function refusal(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return error as GatehouseError;
  }
  throw new Error("expected the write to be refused");
}

describe("direct writes through the library", () => {
  let g: Gatehouse;
  const check = (resource: string, permission: string, subject: string) =>
    g
      .check("acme", {
        resource: { type: resource.split(":")[0]!, id: resource.split(":")[1]! },
        permission,
        subject: { type: subject.split(":")[0]!, id: subject.split(":")[1]! },
      })
      .then((r) => r.allowed);

  beforeEach(async () => {
    g = await Gatehouse.open(":memory:", { rolloutPollMs: 0 });
    await g.writeSchema(SCHEMA);
  });
  afterEach(() => g.close());

  it("the default guards are what `guards read` prints, and a new store has them", async () => {
    expect(parseGuards(DEFAULT_GUARDS_TEXT)).toEqual(DEFAULT_GUARDS);
    expect(DEFAULT_GUARDS).toContainEqual({
      name: "direct-write-blast-radius",
      kind: "direct-writes",
      maxLoss: 1000,
      maxDeletes: 1000,
    });
  });

  it("every write names its actor, door (library by default) and request in its revision, and is audited", async () => {
    const written = await g.writeRelationships("acme", updates("touch", "folder:handbook#viewer@user:ann"), {
      actor: "app-backend",
      reason: "signup",
    });
    expect(await g.revisionRecord(written.revision)).toMatchObject({
      revision: written.revision,
      tenant: "acme",
      kind: "relationships",
      actor: "app-backend",
      door: "library",
      requestId: null,
      reason: "signup",
      created: 1,
      deleted: 0,
    });
    const imported = await g.importRelationships(
      "acme",
      "folder:handbook#viewer@user:bob\nfolder:handbook#viewer@user:cid\n",
      { actor: "loader", door: "spicedb", requestId: "r-7", file: "seed.txt" },
    );
    expect(await g.revisionRecord(imported.revision)).toMatchObject({
      actor: "loader",
      door: "spicedb",
      requestId: "r-7",
      created: 2,
    });
    const audit = await g.store.listAudit({ tenant: "acme" });
    expect(audit.map((r) => [r.action, r.actor, r.revision, r.details])).toEqual([
      [
        "relationships.write",
        "app-backend",
        written.revision,
        { door: "library", requestId: null, created: 1, deleted: 0 },
      ],
      [
        "relationships.import",
        "loader",
        imported.revision,
        { file: "seed.txt", door: "spicedb", requestId: "r-7", created: 2, deleted: 0 },
      ],
    ]);
    expect((await g.listRevisions({ actor: "loader" })).map((r) => r.revision)).toEqual([imported.revision]);
    await expect(g.revisionRecord(999)).rejects.toThrow("revision 999 does not exist");
  });

  it("refuses a direct delete that takes access from everyone (a wildcard), writing nothing, and says how to propose it", async () => {
    await g.writeRelationships("acme", updates("touch", "folder:handbook#viewer@user:*"), { actor: "ann" });
    const head = await g.store.headRevision();
    const error = await refusal(
      g.writeRelationships("acme", updates("delete", "folder:handbook#viewer@user:*"), { actor: "mallory" }),
    );
    expect(error.kind).toBe("refused");
    expect(error.message).toContain("guard `direct-write-blast-radius`");
    expect(error.message).toContain("everyone (`user:*`) would lose access");
    expect(error.message).toContain("gatehouse --tenant acme change propose FILE");
    expect(await g.store.headRevision()).toBe(head);
    expect(await check("folder:handbook", "view", "user:zed")).toBe(true);
    expect(await g.store.listAudit({ actor: "mallory" })).toEqual([]);

    // The suggested change file is a real one: proposed, planned and applied by the usual path.
    const file = error.message
      .split("with FILE:\n")[1]!
      .split("\n")
      .map((l) => l.slice(2))
      .join("\n")
      .replace("<why this write is needed>", "retire the handbook");
    const change = await g.changes.propose(parseChangeFile(file), { actor: "mallory", tenant: "acme" });
    const { plan } = await g.changes.plan(change.id, { actor: "mallory" });
    expect(plan.data.deletes).toEqual(["folder:handbook#viewer@user:*"]);
    expect(plan.lost.map((r) => r.subject)).toEqual(["user:*"]);
  });

  it("refuses a write that deletes more than 1,000 relationships, and one that takes access from more than 1,000 subjects", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `folder:f${i}#viewer@user:u${i}`);
    await g.importRelationships("acme", many.join("\n"), { actor: "loader" });
    const head = await g.store.headRevision();
    const deletes = await refusal(g.writeRelationships("acme", updates("delete", ...many), { actor: "bot" }));
    expect(deletes.message).toContain("this write deletes 1001 relationships, more than the limit of 1000");
    expect(deletes.message).toContain("# ... and 951 more");

    // One membership delete that cuts 1,001 people off a folder: two relationships, many losses.
    const members = Array.from({ length: 1001 }, (_, i) => `group:all#member@user:m${i}`);
    await g.importRelationships("acme", [...members, "folder:big#viewer@group:all#member"].join("\n"));
    const losses = await refusal(
      g.writeRelationships("acme", updates("delete", "folder:big#viewer@group:all#member"), { actor: "bot" }),
    );
    expect(losses.message).toContain(
      "1001 subjects would lose access to 1 resources, more than the limit of 1000",
    );
    expect(await g.store.headRevision()).toBe(head + 1);
    // Within the bound: a delete that takes one person's access goes through.
    await g.writeRelationships("acme", updates("delete", "folder:f1#viewer@user:u1"), { actor: "bot" });
    expect(await check("folder:f1", "view", "user:u1")).toBe(false);
  });

  it("a write that only adds can still take access away through an exclusion, and is planned then", async () => {
    await g.changes.writeGuards("guards:\n  - name: tight\n    kind: direct-writes\n    max-loss: 0\n", {
      actor: "security",
    });
    await g.writeRelationships("acme", updates("touch", "folder:handbook#viewer@user:ann"));
    // A grant on a positively read relation cannot take access: no plan, allowed.
    await g.writeRelationships("acme", updates("touch", "folder:handbook#viewer@user:bob"));
    const banned = await refusal(
      g.writeRelationships("acme", updates("touch", "folder:handbook#banned@user:ann"), { actor: "bot" }),
    );
    expect(banned.message).toContain("guard `tight`: 1 subjects would lose access");
    // In a batch with grants, only what the exclusion takes is counted; an import the same.
    const batch = await refusal(
      g.writeRelationships(
        "acme",
        updates("touch", "folder:handbook#viewer@user:cid", "folder:handbook#banned@user:bob"),
      ),
    );
    expect(batch.message).toContain("1 subjects would lose access");
    expect(batch.message).toContain("`user:bob` would lose `view`");
    const imported = await refusal(
      g.importRelationships("acme", "folder:handbook#viewer@user:dan\nfolder:handbook#banned@user:ann"),
    );
    expect(imported.message).toContain("`user:ann` would lose `view`");
    // Deletes: a sole subject's grant is planned against a bound of 0, and passes when another
    // path keeps its access; a relation that arrows walk (`document#parent`) takes others' access.
    await g.importRelationships(
      "acme",
      "group:eng#member@user:cid\nfolder:handbook#viewer@group:eng#member\ndocument:d#parent@folder:handbook\nfolder:handbook#viewer@user:cid",
    );
    await g.writeRelationships("acme", updates("delete", "folder:handbook#viewer@user:cid"));
    const sole = await refusal(
      g.writeRelationships("acme", updates("delete", "folder:handbook#viewer@user:ann")),
    );
    expect(sole.message).toContain("1 subjects would lose access to 2 resources");
    // With a bound of 1, a delete whose subject an arrow walks is still planned: ann, bob, cid lose.
    await g.changes.writeGuards("guards:\n  - name: tight\n    kind: direct-writes\n    max-loss: 1\n", {
      actor: "security",
    });
    const parent = await refusal(
      g.writeRelationships("acme", updates("delete", "document:d#parent@folder:handbook")),
    );
    expect(parent.message).toContain("3 subjects would lose access to 1 resources, more than the limit of 1");
    // A new tenant has no access to lose: its import with exclusions goes through.
    await g.importRelationships("globex", "folder:x#viewer@user:ann\nfolder:x#banned@user:ann");
    expect(await check("folder:handbook", "view", "user:ann")).toBe(true);
  });

  it("an access-neutral guard holds direct writes of the listed relations to no change of access", async () => {
    await g.importRelationships(
      "acme",
      [
        "group:eng#member@user:ann",
        "folder:f#viewer@group:eng#member",
        "folder:f#viewer@user:ann",
        "folder:f#viewer@user:dan",
      ].join("\n"),
    );
    await g.changes.writeGuards(
      "guards:\n  - name: folder-grants\n    kind: direct-writes\n    access-neutral: [folder#viewer]\n",
      { actor: "security" },
    );
    // ann keeps access through eng: neutral, allowed.
    await g.writeRelationships("acme", updates("delete", "folder:f#viewer@user:ann"));
    const refused = await refusal(
      g.writeRelationships("acme", updates("delete", "folder:f#viewer@user:dan")),
    );
    expect(refused.message).toContain("a direct write to `folder#viewer` must change no access");
    expect(refused.message).toContain("`user:dan` would lose `view` on `folder:f`");
    // Other relations are not held by it.
    await g.writeRelationships("acme", updates("delete", "group:eng#member@user:ann"));
  });

  it("`guards write` changes the default: without a direct-writes guard, nothing holds direct writes", async () => {
    await g.writeRelationships("acme", updates("touch", "folder:handbook#viewer@user:*"));
    await g.changes.writeGuards(
      "guards:\n  - name: cleanup-and-merge-are-access-neutral\n    kind: access-neutral\n    intents: [cleanup]\n",
      { actor: "security" },
    );
    await g.writeRelationships("acme", updates("delete", "folder:handbook#viewer@user:*"));
    expect(await check("folder:handbook", "view", "user:zed")).toBe(false);
  });

  it("refuses a malformed direct-writes guard with its place", async () => {
    const bad = await refusal(
      g.changes.writeGuards("guards:\n  - name: x\n    kind: direct-writes\n    access-neutral: [folder]\n", {
        actor: "security",
      }),
    );
    expect(bad.kind).toBe("input");
    const text = [bad.describe(), ...bad.details.map((d) => d.describe())].join("\n");
    expect(text).toContain("line 4:22: `folder` is not a relation: expected `type#relation`");
    const empty = await refusal(
      g.changes.writeGuards("guards:\n  - name: x\n    kind: direct-writes\n", { actor: "security" }),
    );
    expect(JSON.stringify([empty.message, ...empty.details.map((d) => d.message)])).toContain(
      "a `direct-writes` guard needs `max-loss`",
    );
  });

  it("restore --to-revision undoes a direct delete: plan, apply, answers back", async () => {
    await g.importRelationships(
      "acme",
      [
        "folder:handbook#viewer@user:ann",
        "folder:handbook#viewer@user:bob",
        "document:d#parent@folder:handbook",
      ].join("\n"),
    );
    const before = await g.store.headRevision();
    const deleted = await g.deleteRelationships(
      "acme",
      { resourceType: "folder", relation: "viewer" },
      {
        actor: "mallory",
        door: "library",
      },
    );
    expect(deleted.deleted.map(formatRelationship).sort()).toEqual([
      "folder:handbook#viewer@user:ann",
      "folder:handbook#viewer@user:bob",
    ]);
    expect(await g.revisionRecord(deleted.revision)).toMatchObject({ actor: "mallory", deleted: 2 });
    expect(await check("document:d", "view", "user:ann")).toBe(false);

    const restore = await g.changes.restore("acme", before, {}, { actor: "ann" });
    const { plan } = await g.changes.plan(restore.id, { actor: "ann" });
    expect(plan.gained.map((r) => `${r.resource}#${r.permission}@${r.subject}`)).toEqual([
      "document:d#view@user:ann",
      "document:d#view@user:bob",
      "folder:handbook#view@user:ann",
      "folder:handbook#view@user:bob",
    ]);
    const applied = await g.changes.apply(restore.id, { actor: "ann" });
    expect(await check("document:d", "view", "user:ann")).toBe(true);
    expect(await check("folder:handbook", "view", "user:bob")).toBe(true);
    expect(await g.revisionRecord(applied.revision)).toMatchObject({
      door: `change ${restore.id}`,
      created: 2,
    });
  });
});
