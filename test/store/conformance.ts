import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ErrorKind, GatehouseError } from "../../src/model/errors.js";
import { formatRelationship, parseRelationship, type Relationship } from "../../src/model/relationship.js";
import type { ApplyInput, ChangeSpec, NewAuditRecord, NewChange } from "../../src/store/change-records.js";
import { DecisionDrafts } from "../../src/store/common/decision-drafts.js";
import type { NewDecision } from "../../src/store/decision-records.js";
import { type Direction, SHADOW_SAMPLE_LIMIT, type ShadowTally } from "../../src/store/shadow-records.js";
import type { RelationshipUpdate, Revision, Store, UpdateOperation } from "../../src/store/store.js";

/**
 * The storage conformance suite: every backend runs these same cases, so that SQLite and
 * PostgreSQL answer alike. `open` must return a new, empty store on every call, whose clock (the
 * times it records with revisions, changes, approvals and audit records) is `now` when given.
 */
export type OpenStore = (options?: { now?: () => Date }) => Promise<Store>;

export interface ConformanceOptions {
  /** Cases a backend cannot run, by title, each with the reason it cannot. */
  readonly skip?: Readonly<Record<string, string>>;
  /**
   * Opens another handle on the same store, as a second process or node would (a SQLite file
   * opened again, a second pool on the same PostgreSQL schema). Absent when a store has no other
   * handle (`:memory:`): cases that need one then use the store itself.
   */
  readonly openAgain?: (store: Store) => Promise<Store>;
}

const A = "acme";
const B = "globex";
const START = "2030-01-01T00:00:00.000Z";

const rel = (text: string): Relationship => parseRelationship(text);
const update = (operation: UpdateOperation, ...texts: string[]): RelationshipUpdate[] =>
  texts.map((text) => ({ operation, relationship: rel(text) }));
const create = (...texts: string[]) => update("create", ...texts);
const touch = (...texts: string[]) => update("touch", ...texts);
const remove = (...texts: string[]) => update("delete", ...texts);
const names = (list: readonly Relationship[]): string[] => list.map(formatRelationship);

/** Waits until `done` holds, checking every 20 ms, for at most `ms`; says what it waited for. */
async function eventually(what: string, done: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const spec = (parts: Partial<ChangeSpec> = {}): ChangeSpec => ({
  writes: [],
  deletes: [],
  deleteWhere: [],
  schema: null,
  ...parts,
});
const proposal = (parts: Partial<NewChange> = {}): NewChange => ({
  tenant: A,
  intent: "grant",
  reason: "onboarding",
  author: "ann",
  spec: spec(),
  ...parts,
});
const audit = (action: string, parts: Partial<NewAuditRecord> = {}): NewAuditRecord => ({
  actor: "ann",
  action,
  tenant: A,
  target: "change:1",
  reason: null,
  details: null,
  ...parts,
});
const applying = (changeId: number, parts: Partial<ApplyInput> = {}): ApplyInput => ({
  changeId,
  tenant: A,
  updates: [],
  schema: null,
  actor: "bob",
  reason: "reviewed",
  region: { baseRevision: 0, objects: [], schemaSensitive: false },
  audit: audit("change.apply", { actor: "bob", target: `change:${changeId}` }),
  ...parts,
});

/** A change of `tenant` planned at `baseRevision`, as the changes layer leaves it before an apply. */
async function plannedChange(store: Store, baseRevision: Revision, tenant = A): Promise<number> {
  const { id } = await store.createChange(proposal({ tenant }), audit("change.propose", { tenant }));
  const step = audit("change.plan", { tenant, target: `change:${id}`, revision: baseRevision });
  await store.updateChange(id, { state: "planned", plan: { lost: [] }, baseRevision }, step);
  return id;
}

async function scanned(store: Store, tenant: string, at: Revision): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of store.scanTenant(tenant, at)) out.push(...names(batch));
  return out;
}

async function read(store: Store, tenant: string, at?: Revision): Promise<string[]> {
  return names(await store.readRelationships(tenant, {}, { atRevision: at }));
}

async function failure(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return error as GatehouseError;
  }
  throw new Error("expected the call to fail");
}

async function expectFailure(promise: Promise<unknown>, kind: ErrorKind, message: string | RegExp) {
  const error = await failure(promise);
  expect(error.kind).toBe(kind);
  if (typeof message === "string") expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  return error;
}

/**
 * The stable order every backend reads in: column by column (resource type, id, relation, subject
 * type, id, relation; no relation first), each by code point (PostgreSQL: COLLATE "C").
 */
function sorted(texts: readonly string[]): string[] {
  const columns = (r: Relationship) => [
    r.resource.type,
    r.resource.id,
    r.relation,
    r.subject.type,
    r.subject.id,
    r.subject.relation ?? "",
  ];
  const compare = (x: string[], y: string[]): number => {
    for (const [i, a] of x.entries()) {
      const b = y[i]!;
      if (a !== b) return a < b ? -1 : 1;
    }
    return 0;
  };
  return texts
    .map((text) => ({ text, key: columns(rel(text)) }))
    .sort((x, y) => compare(x.key, y.key))
    .map((x) => x.text);
}

export function describeStoreConformance(
  name: string,
  open: OpenStore,
  options: ConformanceOptions = {},
): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    /** The store's clock: fixed, so that recorded times can be asserted; tests move it. */
    let time = START;
    const setTime = (iso: string) => {
      time = iso;
    };
    beforeEach(async () => {
      time = START;
      store = await open({ now: () => new Date(time) });
    });
    afterEach(async () => {
      await store.close();
    });

    const test = (title: string, body: () => Promise<void>, timeout?: number) => {
      const reason = options.skip?.[title];
      if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, body);
      else it(title, body, timeout);
    };

    test("an empty store is at revision 0 with no tenants, schema, history or relationships", async () => {
      expect(await store.headRevision()).toBe(0);
      expect(await store.tenants()).toEqual([]);
      expect(await store.readSchema()).toBeUndefined();
      expect(await store.listSchemaVersions()).toEqual([]);
      expect(await store.revisionsSince(0)).toEqual([]);
      expect(await store.relationshipShapes()).toEqual([]);
      expect(await read(store, A)).toEqual([]);
      expect(await scanned(store, A, 0)).toEqual([]);
    });

    test("create makes relationships live as one new revision per write", async () => {
      const first = await store.writeRelationships(
        A,
        create("document:readme#viewer@user:ann", "document:readme#viewer@group:eng#member"),
      );
      expect(first.revision).toBe(1);
      expect(names(first.created)).toEqual([
        "document:readme#viewer@user:ann",
        "document:readme#viewer@group:eng#member",
      ]);
      expect(first.deleted).toEqual([]);
      const second = await store.writeRelationships(A, create("document:spec#viewer@user:bob"));
      expect(second.revision).toBe(2);
      expect(await store.headRevision()).toBe(2);

      const rows = await store.readRelationships(A);
      expect(rows).toEqual([
        {
          tenant: A,
          resource: { type: "document", id: "readme" },
          relation: "viewer",
          subject: { type: "group", id: "eng", relation: "member" },
          createdRevision: 1,
          deletedRevision: null,
        },
        { tenant: A, ...rel("document:readme#viewer@user:ann"), createdRevision: 1, deletedRevision: null },
        { tenant: A, ...rel("document:spec#viewer@user:bob"), createdRevision: 2, deletedRevision: null },
      ]);
      // A subject without a relation has no `relation` key at all, as the parser produces it.
      expect(rows[1]?.subject).toStrictEqual({ type: "user", id: "ann" });
    });

    test("a revision records who wrote it, through which door and request, with its counts", async () => {
      const first = await store.writeRelationships(
        A,
        create("document:readme#viewer@user:ann", "document:readme#viewer@user:bob"),
        {
          actor: "ann",
          door: "http",
          requestId: "req-1",
          reason: "onboarding",
          audit: { action: "relationships.write" },
        },
      );
      setTime("2030-01-02T00:00:00.000Z");
      const second = await store.writeRelationships(A, remove("document:readme#viewer@user:bob"), {
        actor: "mallory",
        door: "cli",
        audit: { action: "relationships.write" },
      });
      setTime("2030-01-03T00:00:00.000Z");
      await store.writeRelationships(B, touch("document:x#viewer@user:cid"), {
        actor: "ann",
        door: "library",
      });
      expect(await store.getRevision(first.revision)).toEqual({
        revision: 1,
        tenant: A,
        kind: "relationships",
        actor: "ann",
        door: "http",
        requestId: "req-1",
        reason: "onboarding",
        createdAt: START,
        created: 2,
        deleted: 0,
      });
      expect(await store.getRevision(second.revision)).toMatchObject({
        actor: "mallory",
        door: "cli",
        requestId: null,
        created: 0,
        deleted: 1,
      });
      expect(await store.getRevision(99)).toBeUndefined();
      expect((await store.listRevisions()).map((r) => r.revision)).toEqual([3, 2, 1]);
      expect((await store.listRevisions({ actor: "ann" })).map((r) => r.revision)).toEqual([3, 1]);
      expect((await store.listRevisions({ tenant: A })).map((r) => r.revision)).toEqual([2, 1]);
      expect((await store.listRevisions({ tenants: [B] })).map((r) => r.revision)).toEqual([3]);
      expect(await store.listRevisions({ tenants: [] })).toEqual([]);
      expect((await store.listRevisions({ since: "2030-01-02" })).map((r) => r.revision)).toEqual([3, 2]);
      expect((await store.listRevisions({ limit: 1 })).map((r) => r.revision)).toEqual([3]);
      await expectFailure(store.listRevisions({ since: "yesterday" }), "input", /since/);
      await expectFailure(store.listRevisions({ limit: 0 }), "input", /limit/);
      // The audit records of the writes that asked for one, in their transactions, with counts.
      const records = (await store.listAudit()).filter((r) => r.action === "relationships.write");
      expect(records.map((r) => [r.actor, r.tenant, r.revision, r.details])).toEqual([
        ["ann", A, 1, { door: "http", requestId: "req-1", created: 2, deleted: 0 }],
        ["mallory", A, 2, { door: "cli", requestId: null, created: 0, deleted: 1 }],
      ]);
    });

    test("a change's apply is recorded as written through the door `change N`", async () => {
      const id = await plannedChange(store, 0);
      const applied = await store.applyChange(
        applying(id, { updates: create("document:b#viewer@user:ann", "document:c#viewer@user:ann") }),
      );
      expect(await store.getRevision(applied.revision)).toMatchObject({
        tenant: A,
        kind: "change",
        actor: "bob",
        door: `change ${id}`,
        reason: "reviewed",
        created: 2,
        deleted: 0,
      });
    });

    test("a refused write leaves neither a revision record nor an audit record", async () => {
      await store.writeRelationships(A, create("document:readme#viewer@user:ann"));
      await expectFailure(
        store.writeRelationships(A, create("document:readme#viewer@user:ann"), {
          actor: "ann",
          audit: { action: "relationships.write" },
        }),
        "conflict",
        /already exists/,
      );
      expect((await store.listRevisions()).map((r) => r.revision)).toEqual([1]);
      expect((await store.listAudit()).filter((r) => r.action === "relationships.write")).toEqual([]);
    });

    test("touch creates a missing relationship and leaves a live one as it was", async () => {
      const first = await store.writeRelationships(A, touch("document:readme#viewer@user:ann"));
      expect(first).toEqual({ revision: 1, created: [rel("document:readme#viewer@user:ann")], deleted: [] });

      const second = await store.writeRelationships(
        A,
        touch("document:readme#viewer@user:ann", "document:readme#viewer@user:bob"),
      );
      expect(second.revision).toBe(2);
      expect(names(second.created)).toEqual(["document:readme#viewer@user:bob"]);

      // Touching only live relationships still succeeds, as a revision with nothing in it.
      const third = await store.writeRelationships(A, touch("document:readme#viewer@user:ann"));
      expect(third).toEqual({ revision: 3, created: [], deleted: [] });

      const rows = await store.readRelationships(A, { subjectId: "ann" });
      expect(rows.map((r) => [r.createdRevision, r.deletedRevision])).toEqual([[1, null]]);
    });

    test("delete ends a live relationship at the new revision; earlier revisions still show it", async () => {
      await store.writeRelationships(
        A,
        create("document:readme#viewer@user:ann", "document:readme#viewer@user:bob"),
      );
      const result = await store.writeRelationships(A, remove("document:readme#viewer@user:ann"));
      expect(result).toEqual({ revision: 2, created: [], deleted: [rel("document:readme#viewer@user:ann")] });

      expect(await read(store, A)).toEqual(["document:readme#viewer@user:bob"]);
      const atOne = await store.readRelationships(A, {}, { atRevision: 1 });
      expect(atOne.map((r) => [formatRelationship(r), r.createdRevision, r.deletedRevision])).toEqual([
        ["document:readme#viewer@user:ann", 1, 2],
        ["document:readme#viewer@user:bob", 1, null],
      ]);
    });

    test("a read continues after a given relationship in tuple order, at a past revision too (paging)", async () => {
      const all = [
        "document:a#viewer@user:ann",
        "document:a#viewer@user:bob",
        "document:b#editor@group:eng#member",
        "document:b#viewer@user:ann",
        "folder:x#viewer@user:zed",
      ];
      await store.writeRelationships(A, create(...all));
      await store.writeRelationships(A, remove("document:a#viewer@user:bob"));
      const pages: string[] = [];
      let after: Relationship | undefined;
      for (;;) {
        const rows = await store.readRelationships(A, {}, { atRevision: 1, limit: 2, after });
        pages.push(...names(rows));
        if (rows.length < 2) break;
        after = rows[rows.length - 1];
      }
      expect(pages).toEqual(sorted(all));
      expect(
        names(await store.readRelationships(A, { resourceType: "document" }, { after: rel(all[1]!) })),
      ).toEqual(sorted(all).filter((t) => t.startsWith("document:b")));
    });

    test("a big write (many slices) is one revision, and all or nothing", async () => {
      const many = Array.from({ length: 5_001 }, (_, i) => `document:d${i}#viewer@user:u${i % 7}`);
      const result = await store.writeRelationships(A, touch(...many));
      expect(result.revision).toBe(1);
      expect(result.created.length).toBe(5_001);
      expect(await store.readRelationships(A, {}, { limit: 6_000 })).toHaveLength(5_001);
      // A conflict in the last slice rolls back the slices before it.
      const more = Array.from({ length: 5_000 }, (_, i) => `document:e${i}#viewer@user:ann`);
      await failure(store.writeRelationships(A, create(...more, "document:d5000#viewer@user:u2")));
      expect(await store.headRevision()).toBe(1);
      expect(await store.readRelationships(A, { resourceId: "e1" })).toEqual([]);
      // Reads and writes made while a big write runs see it whole or not at all (SQLite: they
      // wait for it), and both writes land.
      const big = store.writeRelationships(B, touch(...more));
      const [count, small] = await Promise.all([
        store.readRelationships(B, {}, { limit: 6_000 }).then((rows) => rows.length),
        store.writeRelationships(B, touch("document:z#viewer@user:zed")),
      ]);
      expect([0, 5_000]).toContain(count);
      expect([(await big).revision, small.revision].sort()).toEqual([2, 3]);
      expect(await store.readRelationships(B, {}, { limit: 6_000 })).toHaveLength(5_001);
    }, 60_000);

    test("one write may create, touch and delete different relationships together", async () => {
      await store.writeRelationships(A, create("document:a#viewer@user:ann", "document:b#viewer@user:ann"));
      const result = await store.writeRelationships(A, [
        ...remove("document:a#viewer@user:ann"),
        ...touch("document:b#viewer@user:ann"),
        ...create("document:c#viewer@user:ann"),
      ]);
      expect(result.revision).toBe(2);
      expect(names(result.created)).toEqual(["document:c#viewer@user:ann"]);
      expect(names(result.deleted)).toEqual(["document:a#viewer@user:ann"]);
      expect(await read(store, A)).toEqual(["document:b#viewer@user:ann", "document:c#viewer@user:ann"]);
    });

    test("creating a live relationship is a conflict that names it and its place, and writes nothing", async () => {
      await store.writeRelationships(A, create("document:readme#viewer@user:ann"));
      const error = await expectFailure(
        store.writeRelationships(A, [
          ...create("document:readme#viewer@user:bob"),
          ...remove("document:readme#viewer@user:ann"),
          ...create("document:readme#viewer@user:ann"),
        ]),
        "input",
        /appears more than once/,
      );
      expect(error.place?.field).toBe("updates[2]");

      const conflict = await expectFailure(
        store.writeRelationships(
          A,
          create("document:readme#viewer@user:bob", "document:readme#viewer@user:ann"),
        ),
        "conflict",
        "relationship `document:readme#viewer@user:ann` already exists",
      );
      expect(conflict.place?.field).toBe("updates[1]");
      expect(await store.headRevision()).toBe(1);
      expect(await read(store, A)).toEqual(["document:readme#viewer@user:ann"]);
      expect(await store.revisionsSince(1)).toEqual([]);
    });

    test("deleting a relationship that is not live is a conflict, and writes nothing", async () => {
      await store.writeRelationships(A, create("document:readme#viewer@user:ann"));
      await store.writeRelationships(A, remove("document:readme#viewer@user:ann"));
      for (const missing of ["document:readme#viewer@user:ann", "document:readme#viewer@user:zed"]) {
        const error = await expectFailure(
          store.writeRelationships(A, [...create("document:other#viewer@user:ann"), ...remove(missing)]),
          "conflict",
          `relationship \`${missing}\` does not exist`,
        );
        expect(error.place?.field).toBe("updates[1]");
      }
      expect(await store.headRevision()).toBe(2);
      expect(await read(store, A)).toEqual([]);
    });

    test("every conflict of a write is reported, and a refused write consumes no revision", async () => {
      await store.writeRelationships(A, create("document:a#viewer@user:ann"));
      const error = await failure(
        store.writeRelationships(A, [
          ...create("document:a#viewer@user:ann"),
          ...create("document:b#viewer@user:ann"),
          ...remove("document:c#viewer@user:ann"),
        ]),
      );
      expect(error.kind).toBe("conflict");
      expect(error.message).toMatch(/^relationship `document:a#viewer@user:ann` already exists/);
      expect(error.details.map((d) => [d.kind, d.place?.field])).toEqual([
        ["conflict", "updates[0]"],
        ["conflict", "updates[2]"],
      ]);
      const next = await store.writeRelationships(A, create("document:b#viewer@user:ann"));
      expect(next.revision).toBe(2);
    });

    test("the same relationship twice in one write is an input error, even spelled differently", async () => {
      const subjectWithoutRelation = rel("document:a#viewer@user:ann");
      const spelledWithEllipsis: Relationship = {
        ...subjectWithoutRelation,
        subject: { ...subjectWithoutRelation.subject, relation: "..." },
      };
      const error = await expectFailure(
        store.writeRelationships(A, [
          { operation: "create", relationship: subjectWithoutRelation },
          { operation: "touch", relationship: spelledWithEllipsis },
        ]),
        "input",
        /^relationship `document:a#viewer@user:ann` appears more than once/,
      );
      expect(error.place?.field).toBe("updates[1]");
      expect(await store.headRevision()).toBe(0);
      expect(await store.tenants()).toEqual([]);
    });

    test("`...` as a subject relation is stored and read as no relation", async () => {
      const r = rel("document:a#viewer@user:ann");
      const result = await store.writeRelationships(A, [
        { operation: "create", relationship: { ...r, subject: { ...r.subject, relation: "..." } } },
      ]);
      expect(result.created[0]?.subject).toStrictEqual({ type: "user", id: "ann" });
      expect((await store.readRelationships(A))[0]?.subject).toStrictEqual({ type: "user", id: "ann" });
      await expectFailure(
        store.writeRelationships(A, [{ operation: "create", relationship: r }]),
        "conflict",
        /exists/,
      );
    });

    test("malformed writes are input errors: no updates, a bad tenant, a bad tuple, a bad operation", async () => {
      await expectFailure(store.writeRelationships(A, []), "input", /at least one update/);
      await expectFailure(
        store.writeRelationships("Not A Tenant", create("document:a#viewer@user:ann")),
        "input",
        /invalid tenant name `Not A Tenant`/,
      );
      const r = rel("document:a#viewer@user:ann");
      const bad: RelationshipUpdate[] = [
        { operation: "create", relationship: { ...r, resource: { type: "document", id: "*" } } },
        {
          operation: "create",
          relationship: { ...r, subject: { type: "user", id: "*", relation: "member" } },
        },
        { operation: "upsert" as UpdateOperation, relationship: r },
      ];
      const error = await expectFailure(store.writeRelationships(A, bad), "input", /3 errors/);
      expect(error.details.map((d) => d.place?.field)).toEqual(["updates[0]", "updates[1]", "updates[2]"]);
      expect(await store.headRevision()).toBe(0);
    });

    test("a relationship deleted and created again shows correctly at every revision", async () => {
      const ann = "document:readme#viewer@user:ann";
      const bob = "document:readme#viewer@user:bob";
      await store.writeRelationships(A, create(ann, bob)); // 1
      await store.writeRelationships(A, remove(ann)); // 2
      await store.writeRelationships(A, create(ann)); // 3
      await store.writeRelationships(A, touch(ann)); // 4: ann was live, nothing changes
      await store.writeRelationships(A, remove(ann, bob)); // 5
      await store.writeRelationships(A, touch(ann)); // 6

      const expected: [string, number, number | null][][] = [
        [],
        [
          [ann, 1, 2],
          [bob, 1, 5],
        ],
        [[bob, 1, 5]],
        [
          [ann, 3, 5],
          [bob, 1, 5],
        ],
        [
          [ann, 3, 5],
          [bob, 1, 5],
        ],
        [],
        [[ann, 6, null]],
      ];
      for (const [revision, rows] of expected.entries()) {
        const found = await store.readRelationships(A, {}, { atRevision: revision });
        expect(
          found.map((r) => [formatRelationship(r), r.createdRevision, r.deletedRevision]),
          `at revision ${revision}`,
        ).toEqual(rows);
        expect(await scanned(store, A, revision), `scan at revision ${revision}`).toEqual(
          rows.map(([n]) => n),
        );
      }
      expect(await read(store, A)).toEqual([ann]);
    });

    describe("filters", () => {
      const data = [
        "folder:root#viewer@user:ann",
        "document:spec#viewer@user:*",
        "document:readme#viewer@user:ann",
        "document:readme#viewer@group:eng#member",
        "document:readme#viewer@group:eng#admin",
        "document:readme#editor@user:bob",
        "document:readme#viewer@group:eng",
      ];
      beforeEach(async () => {
        await store.writeRelationships(A, create(...data));
      });
      const cases: [string, Parameters<Store["readRelationships"]>[1], string[]][] = [
        [
          "no filter reads everything in a stable order",
          {},
          [
            "document:readme#editor@user:bob",
            "document:readme#viewer@group:eng",
            "document:readme#viewer@group:eng#admin",
            "document:readme#viewer@group:eng#member",
            "document:readme#viewer@user:ann",
            "document:spec#viewer@user:*",
            "folder:root#viewer@user:ann",
          ],
        ],
        ["resource type", { resourceType: "folder" }, ["folder:root#viewer@user:ann"]],
        ["resource id", { resourceId: "spec" }, ["document:spec#viewer@user:*"]],
        ["relation", { relation: "editor" }, ["document:readme#editor@user:bob"]],
        [
          "subject type",
          { subjectType: "group" },
          [
            "document:readme#viewer@group:eng",
            "document:readme#viewer@group:eng#admin",
            "document:readme#viewer@group:eng#member",
          ],
        ],
        [
          "subject id",
          { subjectId: "ann" },
          ["document:readme#viewer@user:ann", "folder:root#viewer@user:ann"],
        ],
        [
          "a subject relation",
          { subjectType: "group", subjectRelation: "member" },
          ["document:readme#viewer@group:eng#member"],
        ],
        [
          "no subject relation (null)",
          { subjectType: "group", subjectRelation: null },
          ["document:readme#viewer@group:eng"],
        ],
        ["wildcard subjects", { subjectType: "user", subjectId: "*" }, ["document:spec#viewer@user:*"]],
        [
          "all fields together",
          {
            resourceType: "document",
            resourceId: "readme",
            relation: "viewer",
            subjectType: "group",
            subjectId: "eng",
            subjectRelation: "admin",
          },
          ["document:readme#viewer@group:eng#admin"],
        ],
        ["a filter that matches nothing", { resourceType: "document", relation: "owner" }, []],
      ];
      for (const [title, filter, expected] of cases) {
        test(`by ${title}`, async () => {
          expect(names(await store.readRelationships(A, filter))).toEqual(expected);
        });
      }

      test("a limit keeps the first rows of the stable order", async () => {
        expect(names(await store.readRelationships(A, { resourceId: "readme" }, { limit: 2 }))).toEqual([
          "document:readme#editor@user:bob",
          "document:readme#viewer@group:eng",
        ]);
        await expectFailure(store.readRelationships(A, {}, { limit: 0 }), "input", /invalid limit/);
      });

      test("a wildcard subject reads back as a subject with id `*` and no relation", async () => {
        const [row] = await store.readRelationships(A, { resourceId: "spec" });
        expect(row?.subject).toStrictEqual({ type: "user", id: "*" });
      });
    });

    test("ids of every allowed spelling read and scan in code point order", async () => {
      const ids = ["b", "B", "a", "_x", "Z9", "-", "a-b", "a_b", "=", "|", "+1", "a/b", "A"];
      await store.writeRelationships(A, create(...ids.map((id) => `document:${id}#viewer@user:${id}`)));
      const expected = [...ids].sort().map((id) => `document:${id}#viewer@user:${id}`);
      expect(await read(store, A)).toEqual(expected);
      expect(await scanned(store, A, 1)).toEqual(expected);
    });

    test("tenants are isolated: nothing written in one is read, scanned or changed from another", async () => {
      const shared = "document:readme#viewer@user:ann";
      await store.writeRelationships(A, create(shared, "document:secret#viewer@user:ann"));
      expect(await read(store, B)).toEqual([]);
      expect(await scanned(store, B, 1)).toEqual([]);
      expect(await store.readRelationships(B, { resourceId: "secret" })).toEqual([]);
      await expectFailure(store.writeRelationships(B, remove(shared)), "conflict", /does not exist/);

      // The same tuple may be live in both tenants independently.
      const inB = await store.writeRelationships(B, create(shared));
      expect(inB.revision).toBe(2);
      await store.writeRelationships(B, remove(shared));
      expect(await read(store, A)).toEqual([
        "document:readme#viewer@user:ann",
        "document:secret#viewer@user:ann",
      ]);
      expect(await read(store, B)).toEqual([]);
      expect(await scanned(store, A, 3)).toEqual(await read(store, A));
      expect((await store.readRelationships(A)).every((r) => r.tenant === A)).toBe(true);
    });

    test("tenants appear once a write for them succeeded", async () => {
      await store.writeRelationships(B, create("document:a#viewer@user:ann"));
      await store.writeRelationships(A, create("document:a#viewer@user:ann"));
      await store.writeSchema("definition user {}");
      await failure(store.writeRelationships("initech", remove("document:a#viewer@user:ann")));
      expect(await store.tenants()).toEqual([A, B]);
      // A tenant stays known after its relationships are gone.
      await store.writeRelationships(B, remove("document:a#viewer@user:ann"));
      expect(await store.tenants()).toEqual([A, B]);
    });

    test("tenant names are checked on every call that takes one", async () => {
      await expectFailure(store.readRelationships("-bad"), "input", /invalid tenant name/);
      await expectFailure(scanned(store, "-bad", 0), "input", /invalid tenant name/);
    });

    test("scanTenant pages through many rows at a past revision, each exactly once, in order, even while written to", async () => {
      const all: string[] = [];
      for (let i = 0; i < 24_000; i++) {
        // Varying every column makes page boundaries fall inside runs of equal prefixes.
        const subject = i % 4 === 0 ? `group:g${i % 7}#member` : i % 4 === 1 ? "user:*" : `user:u${i}`;
        all.push(`document:d${Math.floor(i / 5)}#${i % 2 === 0 ? "viewer" : "editor"}@${subject}`);
      }
      const unique = sorted([...new Set(all)]);
      await store.writeRelationships(A, create(...unique)); // 1
      const removed = unique.filter((_, i) => i % 3 === 0);
      await store.writeRelationships(A, remove(...removed)); // 2
      await store.writeRelationships(B, create(...unique.slice(0, 100))); // 3

      expect(await scanned(store, A, 1)).toEqual(unique);
      const atTwo = unique.filter((_, i) => i % 3 !== 0);
      const batches: number[] = [];
      const seen: string[] = [];
      for await (const batch of store.scanTenant(A, 2)) {
        batches.push(batch.length);
        seen.push(...names(batch));
        // A write between batches neither fails nor shows up in a scan of an earlier revision.
        if (batches.length === 1) await store.writeRelationships(A, remove(...atTwo.slice(-50)));
      }
      expect(seen).toEqual(atTwo);
      expect(batches.length).toBeGreaterThan(1);
      expect(batches.every((n) => n > 0)).toBe(true);
      expect(await read(store, A, 2)).toEqual(atTwo);
    }, 120_000);

    test("revisionsSince replays every revision, oldest first, with its tenant, changes and schema", async () => {
      await store.writeRelationships(A, create("document:b#viewer@user:ann", "document:a#viewer@user:ann"), {
        actor: "ann",
        reason: "setup",
      }); // 1
      await store.writeSchema("definition user {}"); // 2
      await store.writeRelationships(B, create("document:a#viewer@user:ann")); // 3
      await store.writeRelationships(A, [
        ...remove("document:a#viewer@user:ann"),
        ...touch("document:b#viewer@user:ann"),
        ...create("document:c#viewer@user:*"),
      ]); // 4
      await store.writeRelationships(A, touch("document:b#viewer@user:ann")); // 5

      const events = [
        {
          revision: 1,
          tenant: A,
          created: [rel("document:a#viewer@user:ann"), rel("document:b#viewer@user:ann")],
          deleted: [],
          schemaVersion: null,
        },
        // The schema is store-wide, so its revisions belong to no tenant.
        { revision: 2, tenant: "", created: [], deleted: [], schemaVersion: 1 },
        {
          revision: 3,
          tenant: B,
          created: [rel("document:a#viewer@user:ann")],
          deleted: [],
          schemaVersion: null,
        },
        {
          revision: 4,
          tenant: A,
          created: [rel("document:c#viewer@user:*")],
          deleted: [rel("document:a#viewer@user:ann")],
          schemaVersion: null,
        },
        { revision: 5, tenant: A, created: [], deleted: [], schemaVersion: null },
      ];
      expect(await store.revisionsSince(0)).toEqual(events);
      expect(await store.revisionsSince(2)).toEqual(events.slice(2));
      expect(await store.revisionsSince(0, 2)).toEqual(events.slice(0, 2));
      expect(await store.revisionsSince(3, 1)).toEqual(events.slice(3, 4));
      expect(await store.revisionsSince(5)).toEqual([]);
      await expectFailure(store.revisionsSince(6), "not_found", "revision 6 does not exist; the newest is 5");
      await expectFailure(store.revisionsSince(-1), "input", /invalid revision/);
      await expectFailure(store.revisionsSince(0, 0), "input", /invalid limit/);
    });

    test("revisionsSince for some tenants reads only theirs: the others' revisions are markers", async () => {
      await store.writeRelationships(A, create("document:a#viewer@user:ann")); // 1
      await store.writeRelationships(B, create("document:a#viewer@user:ann", "document:b#viewer@user:bob")); // 2
      await store.writeSchema("definition user {}"); // 3
      await store.writeRelationships(B, [...remove("document:a#viewer@user:ann")]); // 4
      await store.writeRelationships(A, [...remove("document:a#viewer@user:ann")]); // 5

      const everything = await store.revisionsSince(0);
      const marker = (revision: number, tenant: string) => ({
        revision,
        tenant,
        created: [],
        deleted: [],
        schemaVersion: null,
        unread: true,
      });
      // Every revision is there, in order, so a follower moves past each; B's rows are not.
      expect(await store.revisionsSince(0, 100, { tenants: [A] })).toEqual([
        everything[0],
        marker(2, B),
        everything[2],
        marker(4, B),
        everything[4],
      ]);
      expect(await store.revisionsSince(1, 2, { tenants: [B] })).toEqual(everything.slice(1, 3));
      expect(await store.revisionsSince(0, 100, { tenants: [A, B] })).toEqual(everything);
      expect(await store.revisionsSince(0, 100, { tenants: [] })).toEqual([
        marker(1, A),
        marker(2, B),
        everything[2],
        marker(4, B),
        marker(5, A),
      ]);
      await expectFailure(store.revisionsSince(0, 100, { tenants: ["Bad Name"] }), "input", /tenant/);
    });

    test("schema versions are store-wide revisions, readable at any past revision", async () => {
      const first = await store.writeSchema("definition user {}\n", { actor: "ann" }); // 1
      expect(first).toEqual({
        version: 1,
        revision: 1,
        text: "definition user {}\n",
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        author: "ann",
      });
      await store.writeRelationships(A, create("document:a#viewer@user:ann")); // 2
      // Stored exactly as given, whitespace and all.
      const text =
        "  definition user {}\n\n// ünïcode — kept\ndefinition document {\n\trelation viewer: user\n}";
      const second = await store.writeSchema(text); // 3
      expect(second).toMatchObject({ version: 2, revision: 3, text, author: null });

      expect(await store.readSchema(0)).toBeUndefined();
      expect(await store.readSchema(1)).toEqual(first);
      expect(await store.readSchema(2)).toEqual(first);
      expect(await store.readSchema(3)).toEqual(second);
      expect(await store.readSchema()).toEqual(second);
      expect(await store.listSchemaVersions()).toEqual([first, second]);
      await expectFailure(store.readSchema(4), "not_found", "revision 4 does not exist; the newest is 3");
    });

    test("relationshipShapes counts live relationships across tenants by shape", async () => {
      await store.writeRelationships(
        A,
        create(
          "document:a#viewer@user:ann",
          "document:b#viewer@user:bob",
          "document:a#viewer@group:eng#member",
          "document:a#viewer@user:*",
          "document:a#viewer@group:eng",
          "folder:f#parent@folder:g",
        ),
      );
      await store.writeRelationships(B, create("document:a#viewer@user:ann", "document:z#owner@user:ann"));
      await store.writeRelationships(B, remove("document:z#owner@user:ann"));

      // `group:eng#...` and `group:eng#member` are different shapes; so are `user:ann` and `user:*`.
      const shapes = (await store.relationshipShapes()).map(
        (s) =>
          `${s.resourceType}#${s.relation}@${s.subjectType}${s.subjectWildcard ? ":*" : ""}` +
          `${s.subjectRelation === null ? "" : `#${s.subjectRelation}`} x${s.count}`,
      );
      expect(shapes.sort()).toEqual([
        "document#viewer@group x1",
        "document#viewer@group#member x1",
        "document#viewer@user x3",
        "document#viewer@user:* x1",
        "folder#parent@folder x1",
      ]);
    });

    test("reading at a revision that does not exist yet is not_found; a malformed one is input", async () => {
      await store.writeRelationships(A, create("document:a#viewer@user:ann"));
      await store.writeRelationships(A, create("document:b#viewer@user:ann"));
      const message = "revision 3 does not exist; the newest is 2";
      await expectFailure(store.readRelationships(A, {}, { atRevision: 3 }), "not_found", message);
      await expectFailure(scanned(store, A, 3), "not_found", message);
      await expectFailure(store.readSchema(3), "not_found", message);
      await expectFailure(store.readRelationships(A, {}, { atRevision: -1 }), "input", /invalid revision/);
      await expectFailure(store.readRelationships(A, {}, { atRevision: 1.5 }), "input", /invalid revision/);
      expect(await read(store, A, 0)).toEqual([]);
    });

    test("close is idempotent, and a closed store refuses further calls", async () => {
      await store.writeRelationships(A, create("document:a#viewer@user:ann"));
      await store.close();
      await store.close();
      await expect(store.headRevision()).rejects.toThrow();
      await expect(store.readRelationships(A)).rejects.toThrow();
      await expect(store.writeRelationships(A, create("document:b#viewer@user:ann"))).rejects.toThrow();
    });

    test("random writes in two tenants match a model at every revision (isolation, all-or-nothing)", async () => {
      const pool = [
        "document:a#viewer@user:ann",
        "document:a#viewer@group:eng#member",
        "document:a#viewer@user:*",
        "folder:f#viewer@user:ann",
      ];
      const write = fc.record({
        tenant: fc.constantFrom(A, B),
        updates: fc.array(
          fc.record({
            operation: fc.constantFrom<UpdateOperation>("create", "touch", "delete"),
            index: fc.nat(3),
          }),
          { minLength: 1, maxLength: 4 },
        ),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(write, { maxLength: 12 }), async (writes) => {
          const subject = await open();
          try {
            // history[r] is what each tenant holds at revision r.
            const history: Map<string, Set<string>>[] = [
              new Map([
                [A, new Set()],
                [B, new Set()],
              ]),
            ];
            for (const w of writes) {
              const before = history.at(-1)!;
              const live = new Set(before.get(w.tenant));
              const indexes = w.updates.map((u) => u.index);
              let expected: ErrorKind | undefined =
                new Set(indexes).size < indexes.length ? "input" : undefined;
              for (const u of w.updates) {
                const tuple = pool[u.index]!;
                if (u.operation === "create" && live.has(tuple)) expected ??= "conflict";
                if (u.operation === "delete" && !live.has(tuple)) expected ??= "conflict";
                if (u.operation === "delete") live.delete(tuple);
                else live.add(tuple);
              }
              const call = subject.writeRelationships(
                w.tenant,
                w.updates.map((u) => ({ operation: u.operation, relationship: rel(pool[u.index]!) })),
              );
              if (expected !== undefined) {
                expect((await failure(call)).kind).toBe(expected);
              } else {
                expect((await call).revision).toBe(history.length);
                history.push(new Map([...before, [w.tenant, live]]));
              }
            }
            expect(await subject.headRevision()).toBe(history.length - 1);
            for (const [revision, tenants] of history.entries()) {
              for (const [tenant, live] of tenants) {
                const expected = sorted([...live]);
                expect(await read(subject, tenant, revision)).toEqual(expected);
                expect(await scanned(subject, tenant, revision)).toEqual(expected);
              }
            }
          } finally {
            await subject.close();
          }
        }),
        { numRuns: 40 },
      );
    });

    test("revisionTime says when a revision was written", async () => {
      expect(await store.revisionTime(1)).toBeUndefined();
      await store.writeRelationships(A, create("document:a#viewer@user:ann"));
      setTime("2030-01-01T00:00:09.000Z");
      await store.writeRelationships(B, create("document:a#viewer@user:ann"));
      expect(await store.revisionTime(1)).toBe(START);
      expect(await store.revisionTime(2)).toBe("2030-01-01T00:00:09.000Z");
      expect(await store.revisionTime(0)).toBeUndefined();
      expect(await store.revisionTime(3)).toBeUndefined();
    });

    describe("decision log", () => {
      test("losses are listed by the window they overlap; tallies of gone processes are counted once", async () => {
        const loss = {
          process: "p1",
          reason: "store_failed" as const,
          count: 12,
          firstAt: "2030-01-01T00:00:10.000Z",
          lastAt: "2030-01-01T00:00:20.000Z",
        };
        await store.recordDecisionLoss(loss);
        expect(await store.listDecisionLosses()).toEqual([loss]);
        expect(await store.listDecisionLosses({ since: "2030-01-01T00:00:15Z" })).toEqual([loss]);
        expect(await store.listDecisionLosses({ until: "2030-01-01T00:00:15Z" })).toEqual([loss]);
        expect(await store.listDecisionLosses({ since: "2030-01-01T00:00:21.000Z" })).toEqual([]);
        expect(await store.listDecisionLosses({ until: "2030-01-01T00:00:10.000Z" })).toEqual([]);
        await expectFailure(store.recordDecisionLoss({ ...loss, count: 0 }), "input", /count/);

        const tally = {
          process: "p2",
          startedAt: "2030-01-01T00:00:00.000Z",
          savedAt: "2030-01-01T00:01:00.000Z",
          writtenAt: "2030-01-01T00:00:59.000Z",
          answered: 100,
          recorded: 80,
          lost: 5,
          ended: false,
        };
        await store.saveDecisionTally(tally);
        await store.saveDecisionTally({ ...tally, process: "p3", savedAt: "2030-01-01T00:05:00.000Z" });
        expect(await store.readDecisionTallies()).toEqual([
          tally,
          { ...tally, process: "p3", savedAt: "2030-01-01T00:05:00.000Z" },
        ]);
        // p2 saved its tally before the stale mark and never ended: 15 checks have no record.
        const reaped = await store.reapDecisionTallies("2030-01-01T00:02:00.000Z");
        const unwritten = {
          process: "p2",
          reason: "process_ended",
          count: 15,
          firstAt: "2030-01-01T00:00:59.000Z",
          lastAt: "2030-01-01T00:01:00.000Z",
        };
        expect(reaped).toEqual([unwritten]);
        expect(await store.reapDecisionTallies("2030-01-01T00:02:00.000Z")).toEqual([]);
        // An ended tally is not revived by a late save.
        await store.saveDecisionTally({ ...tally, answered: 500 });
        const tallies = await store.readDecisionTallies();
        expect(tallies[0]).toEqual({ ...tally, ended: true });
        expect(await store.listDecisionLosses()).toEqual([loss, unwritten]);
        await store.purgeDecisions("2030-01-01T00:00:30.000Z");
        expect(await store.listDecisionLosses()).toEqual([unwritten]);
      });

      const decision = (parts: Partial<NewDecision> = {}): NewDecision => ({
        at: "2030-01-01T00:00:01.000Z",
        tenant: A,
        resource: { type: "document", id: "readme" },
        permission: "view",
        subject: { type: "user", id: "ann" },
        allowed: true,
        revision: 3,
        ...parts,
      });

      test("appendDecisions writes a batch; listDecisions reads it back oldest first with sequence numbers", async () => {
        const batch = [
          decision(),
          decision({ subject: { type: "group", id: "eng", relation: "member" }, allowed: false }),
          decision({
            tenant: B,
            resource: { type: "document", id: "a|b=c" },
            subject: { type: "user", id: "*" },
          }),
        ];
        expect(await store.appendDecisions(batch)).toBe(3);
        expect(await store.appendDecisions([])).toBe(0);
        const all = await store.listDecisions();
        expect(all.map(({ seq, ...rest }) => rest)).toEqual(batch);
        expect(all.map((d) => d.seq)).toEqual([...all.map((d) => d.seq)].sort((a, b) => a - b));
        expect(new Set(all.map((d) => d.seq)).size).toBe(3);
        // Decisions are not revisions: the head does not move.
        expect(await store.headRevision()).toBe(0);
      });

      test("appendDecisionPages writes the decision log's drafts, numbered after what came before", async () => {
        await store.appendDecisions([decision()]);
        const drafts = new DecisionDrafts();
        for (let i = 0; i < 2_500; i++) {
          const d = decision({ resource: { type: "document", id: `p${i}` }, revision: 3 + (i % 5) });
          expect(drafts.add(d.at, d.tenant, d, i % 2 === 0, d.revision)).toBeUndefined();
        }
        const pages = drafts.take();
        expect(pages.map((p) => p.count)).toEqual([1_000, 1_000, 500]);
        // Only drafts DecisionDrafts made: a copy is refused and nothing is written.
        await expectFailure(
          store.appendDecisionPages([pages[0]!, { ...pages[1]! }]),
          "input",
          /not a decision page draft/,
        );
        expect(await store.listDecisions()).toHaveLength(1);
        expect(await store.appendDecisionPages(pages)).toBe(2_500);
        const all = await store.listDecisions();
        expect(all.map((d) => d.resource.id)).toEqual([
          "readme",
          ...Array.from({ length: 2_500 }, (_, i) => `p${i}`),
        ]);
        expect(all.map((d) => d.seq)).toEqual(Array.from({ length: 2_501 }, (_, i) => all[0]!.seq + i));
        expect(all.slice(1, 5).map((d) => [d.allowed, d.revision])).toEqual([
          [true, 3],
          [false, 4],
          [true, 5],
          [false, 6],
        ]);
        expect(await store.listDecisions({ resource: { type: "document", id: "p1999" } })).toHaveLength(1);
      });

      test("a large batch is written whole, in order", async () => {
        const batch = Array.from({ length: 1_000 }, (_, i) =>
          decision({ resource: { type: "document", id: `d${i}` }, allowed: i % 3 === 0, revision: i }),
        );
        expect(await store.appendDecisions(batch)).toBe(1_000);
        const all = await store.listDecisions();
        expect(all.map((d) => d.resource.id)).toEqual(batch.map((d) => d.resource.id));
        expect(all.filter((d) => d.allowed)).toHaveLength(334);
      });

      test("listDecisions filters by every field, combined with AND", async () => {
        await store.appendDecisions([
          decision({ at: "2030-01-01T00:00:01.000Z", revision: 1 }),
          decision({ at: "2030-01-02T00:00:00.000Z", revision: 2, allowed: false }),
          decision({ at: "2030-01-03T00:00:00.000Z", revision: 3, permission: "edit" }),
          decision({ at: "2030-01-04T00:00:00.000Z", revision: 4, tenant: B }),
          decision({
            at: "2030-01-05T00:00:00.000Z",
            revision: 5,
            resource: { type: "folder", id: "readme" },
          }),
          decision({ at: "2030-01-06T00:00:00.000Z", revision: 6, subject: { type: "user", id: "bob" } }),
          decision({
            at: "2030-01-07T00:00:00.000Z",
            revision: 7,
            subject: { type: "user", id: "ann", relation: "member" },
          }),
        ]);
        const revisions = async (filter: Parameters<Store["listDecisions"]>[0]) =>
          (await store.listDecisions(filter)).map((d) => d.revision);
        expect(await revisions({ tenant: B })).toEqual([4]);
        expect(await revisions({ tenant: A, allowed: false })).toEqual([2]);
        expect(await revisions({ permission: "edit" })).toEqual([3]);
        expect(await revisions({ resource: { type: "folder", id: "readme" } })).toEqual([5]);
        expect(await revisions({ subject: { type: "user", id: "ann" } })).toEqual([1, 2, 3, 4, 5]);
        expect(await revisions({ subject: { type: "user", id: "ann", relation: "member" } })).toEqual([7]);
        expect(await revisions({ since: "2030-01-02", until: "2030-01-04" })).toEqual([2, 3]);
        expect(await revisions({ fromRevision: 3, toRevision: 5 })).toEqual([3, 4, 5]);
        expect(await revisions({ tenant: A, fromRevision: 3, allowed: true, limit: 2 })).toEqual([3, 5]);
        const [first] = await store.listDecisions({ limit: 1 });
        expect(await revisions({ afterSeq: first!.seq, limit: 1 })).toEqual([2]);
      });

      test("purgeDecisions deletes records answered before a time and says how many", async () => {
        await store.appendDecisions([
          decision({ at: "2030-01-01T00:00:00.000Z" }),
          decision({ at: "2030-01-10T00:00:00.000Z" }),
          decision({ at: "2030-01-20T00:00:00.000Z" }),
        ]);
        expect(await store.purgeDecisions("2030-01-10T00:00:00.000Z")).toBe(1);
        expect(await store.purgeDecisions("2030-01-10T00:00:00.000Z")).toBe(0);
        expect((await store.listDecisions()).map((d) => d.at)).toEqual([
          "2030-01-10T00:00:00.000Z",
          "2030-01-20T00:00:00.000Z",
        ]);
        await expectFailure(store.purgeDecisions("last week"), "input", /invalid olderThan `last week`/);
      });

      test("records keep their sequence numbers across pages and purges, and a number is never given twice", async () => {
        const at = (i: number) =>
          `2030-01-01T00:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.000Z`;
        const batch = Array.from({ length: 2_500 }, (_, i) =>
          decision({ at: at(i % 3_000), resource: { type: "document", id: `d${i}` }, revision: i }),
        );
        expect(await store.appendDecisions(batch)).toBe(2_500);
        const before = await store.listDecisions();
        expect(before).toHaveLength(2_500);
        const seqOf = new Map(before.map((d) => [d.resource.id, d.seq]));
        // The cutoff falls inside the second page: it loses its older half, the third is untouched.
        expect(await store.purgeDecisions(at(1_500))).toBe(1_500);
        const after = await store.listDecisions();
        expect(after.map((d) => d.resource.id)).toEqual(batch.slice(1_500).map((d) => d.resource.id));
        for (const d of after) expect(d.seq).toBe(seqOf.get(d.resource.id));
        const page = await store.listDecisions({ afterSeq: seqOf.get("d1999")!, limit: 3 });
        expect(page.map((d) => d.resource.id)).toEqual(["d2000", "d2001", "d2002"]);
        expect(await store.listDecisions({ fromRevision: 2_400, toRevision: 2_401 })).toHaveLength(2);
        expect(await store.purgeDecisions("2031-01-01")).toBe(1_000);
        await store.appendDecisions([decision()]);
        const [fresh] = await store.listDecisions();
        expect(fresh!.seq).toBeGreaterThan(Math.max(...seqOf.values()));
      });

      test("a batch with one bad record is refused whole, naming the record and field", async () => {
        await store.appendDecisions([decision()]);
        await expectFailure(
          store.appendDecisions([decision(), decision({ permission: "View!" })]),
          "input",
          "invalid decision record: permission must be a permission name",
        );
        const error = await failure(store.appendDecisions([decision(), decision({ revision: -1 })]));
        expect(error.place).toEqual({ field: "decisions[1].revision" });
        await expectFailure(
          store.appendDecisions([decision({ tenant: "Acme Corp" })]),
          "input",
          /invalid tenant name/,
        );
        await expectFailure(
          store.appendDecisions([decision({ at: "yesterday" })]),
          "input",
          /decisions\[0\]\.at/,
        );
        await expectFailure(
          store.appendDecisions([decision({ allowed: "yes" as unknown as boolean })]),
          "input",
          /allowed must be true or false/,
        );
        expect(await store.listDecisions()).toHaveLength(1);
      });

      test("listDecisions refuses malformed bounds", async () => {
        await expectFailure(store.listDecisions({ since: "01/02/2030" }), "input", /invalid since/);
        await expectFailure(store.listDecisions({ fromRevision: -2 }), "input", /invalid fromRevision `-2`/);
        await expectFailure(store.listDecisions({ limit: 0 }), "input", /invalid limit `0`/);
        await expectFailure(store.listDecisions({ tenant: "Bad Tenant" }), "input", /invalid tenant name/);
        await expectFailure(
          store.listDecisions({ schema: { candidate: 0 } }),
          "input",
          /invalid schema: expected `\{version: N\}` or `\{candidate: CHANGE_ID\}`/,
        );
      });

      test("records keep the schema that answered, through drafts, pages, filters and purges", async () => {
        const at = (i: number) => new Date(Date.UTC(2030, 0, 1) + i * 1_000).toISOString();
        // Records without a schema (an older log's) next to a version's and a candidate's.
        await store.appendDecisions([
          decision({ at: at(0) }),
          decision({ at: at(1), schema: { version: 1 } }),
        ]);
        const drafts = new DecisionDrafts();
        const version = { version: 2 };
        const candidate = { candidate: 7 };
        for (let i = 0; i < 30; i++) {
          const d = decision({ at: at(2 + i), resource: { type: "document", id: `p${i}` } });
          const schema = i % 3 === 0 ? candidate : version;
          expect(drafts.add(d.at, d.tenant, d, i % 2 === 0, d.revision, schema)).toBeUndefined();
        }
        // A schema answer that names neither is refused, naming the field; the others stay.
        expect(drafts.add(at(40), A, decision(), true, 3, { candidate: -1 } as never)?.message).toMatch(
          /invalid decision record: schema must be/,
        );
        expect(await store.appendDecisionPages(drafts.take())).toBe(30);
        const all = await store.listDecisions();
        expect(all.map((d) => d.schema)).toEqual([
          undefined,
          { version: 1 },
          ...Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? candidate : version)),
        ]);
        const byCandidate = await store.listDecisions({ schema: { candidate: 7 } });
        expect(byCandidate.map((d) => d.resource.id)).toEqual(
          Array.from({ length: 10 }, (_, i) => `p${i * 3}`),
        );
        expect(await store.listDecisions({ schema: { version: 1 } })).toHaveLength(1);
        expect(await store.listDecisions({ schema: { candidate: 8 } })).toEqual([]);
        // A purge that rewrites a page keeps the younger records' schemas.
        expect(await store.purgeDecisions(at(10))).toBe(10);
        const kept = await store.listDecisions();
        expect(kept.map((d) => [d.resource.id, d.schema])).toEqual(
          Array.from({ length: 22 }, (_, k) => [`p${k + 8}`, (k + 8) % 3 === 0 ? candidate : version]),
        );
        await expectFailure(
          store.appendDecisions([decision({ schema: { version: 1, candidate: 2 } as never })]),
          "input",
          /invalid decision record: schema must be/,
        );
      });
    });

    describe("tokens", () => {
      const token = (name: string, parts: Partial<Parameters<Store["createToken"]>[0]> = {}) => ({
        name,
        role: "write" as const,
        tenants: null,
        secretHash: `hash-of-${name}`,
        ...parts,
      });
      const tokenAudit = (action: string, name: string) =>
        audit(action, { tenant: null, target: `token:${name}`, details: { name } });

      test("createToken stores a token and its audit record; findToken finds it by its secret's hash", async () => {
        const ci = await store.createToken(
          token("ci", { role: "admin", secretHash: "h1" }),
          tokenAudit("token.create", "ci"),
        );
        expect(ci).toEqual({ name: "ci", role: "admin", tenants: null, createdAt: START, revokedAt: null });
        setTime("2030-01-01T00:00:05.000Z");
        const limited = await store.createToken(
          token("reader", { role: "check", tenants: [B, A], secretHash: "h2" }),
          tokenAudit("token.create", "reader"),
        );
        expect(limited).toEqual({
          name: "reader",
          role: "check",
          tenants: [B, A],
          createdAt: "2030-01-01T00:00:05.000Z",
          revokedAt: null,
        });
        expect(await store.findToken("h1")).toEqual(ci);
        expect(await store.findToken("h2")).toEqual(limited);
        expect(await store.findToken("nope")).toBeUndefined();
        expect(await store.listTokens()).toEqual([ci, limited]);
        expect((await store.listAudit()).map((r) => [r.action, r.target, r.tenant, r.revision])).toEqual([
          ["token.create", "token:ci", null, null],
          ["token.create", "token:reader", null, null],
        ]);
        // Tokens are not relationship data: no revision.
        expect(await store.headRevision()).toBe(0);
      });

      test("a live name or a secret already in use is a conflict, and writes nothing", async () => {
        await store.createToken(token("ci"), tokenAudit("token.create", "ci"));
        const error = await expectFailure(
          store.createToken(token("ci", { secretHash: "other" }), tokenAudit("token.create", "ci")),
          "conflict",
          "token `ci` already exists",
        );
        expect(error.place?.field).toBe("name");
        await expectFailure(
          store.createToken(token("bot", { secretHash: "hash-of-ci" }), tokenAudit("token.create", "bot")),
          "conflict",
          /same secret/,
        );
        expect((await store.listTokens()).map((t) => t.name)).toEqual(["ci"]);
        expect((await store.listAudit()).length).toBe(1);
      });

      test("tokenRevocations counts every revocation and only grows", async () => {
        expect(await store.tokenRevocations()).toBe(0);
        await store.createToken(token("ci"), tokenAudit("token.create", "ci"));
        await store.createToken(
          token("bot", { secretHash: "hash-of-bot" }),
          tokenAudit("token.create", "bot"),
        );
        expect(await store.tokenRevocations()).toBe(0);
        await store.revokeToken("ci", tokenAudit("token.revoke", "ci"));
        expect(await store.tokenRevocations()).toBe(1);
        // A new token of a revoked name, then its revocation, moves the count again.
        await store.createToken(
          token("ci", { secretHash: "hash-of-ci-2" }),
          tokenAudit("token.create", "ci"),
        );
        expect(await store.tokenRevocations()).toBe(1);
        await store.revokeToken("ci", tokenAudit("token.revoke", "ci"));
        await expectFailure(
          store.revokeToken("ci", tokenAudit("token.revoke", "ci")),
          "not_found",
          /already revoked/,
        );
        expect(await store.tokenRevocations()).toBe(2);
      });

      test("revokeToken stamps the time, audits it, and the token is found no more; its name may be reused", async () => {
        await store.createToken(token("ci"), tokenAudit("token.create", "ci"));
        setTime("2030-01-03T00:00:00.000Z");
        const revoked = await store.revokeToken("ci", tokenAudit("token.revoke", "ci"));
        expect(revoked).toEqual({
          name: "ci",
          role: "write",
          tenants: null,
          createdAt: START,
          revokedAt: "2030-01-03T00:00:00.000Z",
        });
        expect(await store.findToken("hash-of-ci")).toBeUndefined();
        expect(await store.listTokens()).toEqual([revoked]);
        expect((await store.listAudit()).map((r) => [r.action, r.at])).toEqual([
          ["token.create", START],
          ["token.revoke", "2030-01-03T00:00:00.000Z"],
        ]);

        await expectFailure(
          store.revokeToken("ci", tokenAudit("token.revoke", "ci")),
          "not_found",
          "token `ci` is already revoked",
        );
        await expectFailure(
          store.revokeToken("ghost", tokenAudit("token.revoke", "ghost")),
          "not_found",
          "token `ghost` does not exist",
        );
        expect((await store.listAudit()).length).toBe(2);

        // A revoked secret is never live again, so the new token needs a new one.
        const again = await store.createToken(
          token("ci", { role: "check", secretHash: "h-new" }),
          tokenAudit("token.create", "ci"),
        );
        expect(await store.findToken("h-new")).toEqual(again);
        expect((await store.listTokens()).map((t) => [t.name, t.role, t.revokedAt])).toEqual([
          ["ci", "write", "2030-01-03T00:00:00.000Z"],
          ["ci", "check", null],
        ]);
        await store.revokeToken("ci", tokenAudit("token.revoke", "ci"));
        expect((await store.listTokens()).every((t) => t.revokedAt !== null)).toBe(true);
      });

      test("a malformed token, or an audit record the store cannot keep, is an input error and writes nothing", async () => {
        await expectFailure(store.createToken(token(""), tokenAudit("token.create", "x")), "input", /name/);
        await expectFailure(
          store.createToken(token("ci", { role: "root" as "admin" }), tokenAudit("token.create", "ci")),
          "input",
          /unknown role `root`/,
        );
        const error = await expectFailure(
          store.createToken(token("ci", { tenants: [A, "Not A Tenant"] }), tokenAudit("token.create", "ci")),
          "input",
          /invalid tenant name `Not A Tenant`/,
        );
        expect(error.place?.field).toBe("tenants[1]");
        await expectFailure(
          store.createToken(token("ci", { tenants: [] }), tokenAudit("token.create", "ci")),
          "input",
          /expected a list of tenants, or null/,
        );
        await expectFailure(
          store.createToken(token("ci", { secretHash: "" }), tokenAudit("token.create", "ci")),
          "input",
          /secretHash/,
        );
        await expectFailure(store.createToken(token("ci"), tokenAudit("", "ci")), "input", /audit\.action/);
        expect(await store.listTokens()).toEqual([]);

        await store.createToken(token("ci"), tokenAudit("token.create", "ci"));
        await expectFailure(store.revokeToken("ci", tokenAudit("", "ci")), "input", /audit\.action/);
        expect((await store.findToken("hash-of-ci"))?.revokedAt).toBeNull();
        expect((await store.listAudit()).length).toBe(1);
      });
    });

    describe("rollouts", () => {
      const monitor = { margin: 0.05, windowSeconds: 60, minChecks: 10 };
      const started = (changeId = 1, parts: Partial<Parameters<Store["startRollout"]>[0]> = {}) => ({
        changeId,
        tenants: [A],
        percent: 0,
        monitor,
        actor: "ann",
        ...parts,
      });
      const rolloutAudit = (action: string, parts: Partial<NewAuditRecord> = {}) =>
        audit(action, { tenant: null, target: "rollout", ...parts });

      test("startRollout stores a running rollout and its audit record; latestRollout reads it on any handle", async () => {
        expect(await store.latestRollout()).toBeUndefined();
        await store.createChange(
          proposal({ intent: "model", spec: spec({ schema: "definition user {}" }) }),
          audit("change.propose"),
        );
        const record = await store.startRollout(
          started(1, { tenants: [A, B], percent: 10 }),
          rolloutAudit("rollout.start"),
        );
        expect(record).toEqual({
          id: 1,
          changeId: 1,
          state: "running",
          step: 0,
          tenants: [A, B],
          percent: 10,
          monitor,
          startedAt: START,
          startedBy: "ann",
          updatedAt: START,
          endedAt: null,
          endedBy: null,
          endReason: null,
          trip: null,
          version: 1,
        });
        const other = options.openAgain ? await options.openAgain(store) : store;
        try {
          expect(await other.latestRollout()).toEqual(record);
        } finally {
          if (other !== store) await other.close();
        }
        const [entry] = (await store.listAudit()).filter((r) => r.action === "rollout.start");
        expect(entry?.target).toBe("rollout:1");
      });

      test("only one rollout runs at a time; a finished one leaves room for the next", async () => {
        await store.createChange(proposal({ intent: "model" }), audit("change.propose"));
        await store.createChange(proposal({ intent: "model" }), audit("change.propose"));
        const first = await store.startRollout(started(1), rolloutAudit("rollout.start"));
        await expectFailure(
          store.startRollout(started(2), rolloutAudit("rollout.start")),
          "conflict",
          /rollout 1 is running/,
        );
        expect((await store.listAudit()).filter((r) => r.action === "rollout.start").length).toBe(1);
        await store.updateRollout(
          first.id,
          first.version,
          { state: "rolled_back", endedBy: "ann", endReason: "by hand" },
          rolloutAudit("rollout.rollback"),
        );
        const second = await store.startRollout(started(2), rolloutAudit("rollout.start"));
        expect(second.id).toBe(2);
        expect((await store.latestRollout())?.changeId).toBe(2);
      });

      test("updateRollout moves a running rollout with its audit record, and refuses a lost race or an ended rollout", async () => {
        await store.createChange(proposal({ intent: "model" }), audit("change.propose"));
        const record = await store.startRollout(started(), rolloutAudit("rollout.start"));
        setTime("2030-01-01T00:05:00.000Z");
        const promoted = await store.updateRollout(
          record.id,
          record.version,
          { step: 1, tenants: [A, B], percent: 25 },
          rolloutAudit("rollout.promote"),
        );
        expect(promoted).toMatchObject({
          state: "running",
          step: 1,
          tenants: [A, B],
          percent: 25,
          version: 2,
          updatedAt: "2030-01-01T00:05:00.000Z",
          endedAt: null,
        });
        // The version read before the promotion is stale: a monitor that read it must not win.
        await expectFailure(
          store.updateRollout(
            record.id,
            record.version,
            { state: "rolled_back" },
            rolloutAudit("rollout.rollback"),
          ),
          "conflict",
          /changed by someone else/,
        );
        const trip = { permission: "document#view", checks: 12, candidateDenyRate: 0.5 };
        const ended = await store.updateRollout(
          record.id,
          promoted.version,
          { state: "rolled_back", endedBy: "monitor", endReason: "deny rate", trip },
          rolloutAudit("rollout.rollback", { actor: "monitor", details: trip }),
        );
        expect(ended).toMatchObject({
          state: "rolled_back",
          step: 1,
          endedAt: "2030-01-01T00:05:00.000Z",
          endedBy: "monitor",
          endReason: "deny rate",
          trip,
          version: 3,
        });
        await expectFailure(
          store.updateRollout(record.id, ended.version, { step: 2 }, rolloutAudit("rollout.promote")),
          "conflict",
          /rollout 1 is rolled back/,
        );
        await expectFailure(
          store.updateRollout(9, 1, { step: 2 }, rolloutAudit("rollout.promote")),
          "conflict",
          /rollout 9 does not exist/,
        );
        expect((await store.listAudit()).map((r) => `${r.actor} ${r.action}`).slice(-3)).toEqual([
          "ann rollout.start",
          "ann rollout.promote",
          "monitor rollout.rollback",
        ]);
      });

      test("bad rollouts are refused, naming the field, with nothing written", async () => {
        await store.createChange(proposal({ intent: "model" }), audit("change.propose"));
        await expectFailure(
          store.startRollout(started(7), rolloutAudit("rollout.start")),
          "not_found",
          /change 7 does not exist/,
        );
        await expectFailure(
          store.startRollout(started(1, { tenants: ["Not A Tenant"] }), rolloutAudit("rollout.start")),
          "input",
          /tenant/,
        );
        await expectFailure(
          store.startRollout(started(1, { percent: 101 }), rolloutAudit("rollout.start")),
          "input",
          /percent/,
        );
        await expectFailure(
          store.startRollout(started(1, { tenants: [], percent: 0 }), rolloutAudit("rollout.start")),
          "input",
          /tenants or a percent/,
        );
        await expectFailure(
          store.startRollout(
            started(1, { monitor: { ...monitor, margin: 2 } }),
            rolloutAudit("rollout.start"),
          ),
          "input",
          /margin/,
        );
        await expectFailure(
          store.startRollout(
            started(1, { monitor: { ...monitor, minChecks: 0 } }),
            rolloutAudit("rollout.start"),
          ),
          "input",
          /min-checks/,
        );
        await expectFailure(store.startRollout(started(1), rolloutAudit("")), "input", /audit\.action/);
        expect(await store.latestRollout()).toBeUndefined();
        const record = await store.startRollout(started(1), rolloutAudit("rollout.start"));
        await expectFailure(
          store.updateRollout(record.id, record.version, { percent: -1 }, rolloutAudit("rollout.promote")),
          "input",
          /percent/,
        );
        await expectFailure(
          store.updateRollout(record.id, record.version, { step: 1 }, rolloutAudit("")),
          "input",
          /audit\.action/,
        );
        expect(await store.latestRollout()).toEqual(record);
      });
    });

    describe("shadow evaluation", () => {
      const modelChange = async () =>
        (
          await store.createChange(
            proposal({ intent: "model", spec: spec({ schema: "definition user {}" }) }),
            audit("change.propose"),
          )
        ).id;
      const shadowAudit = (action: string, changeId: number) =>
        audit(action, { tenant: null, target: `change:${changeId}` });
      const divergence = (n: number, active: boolean, count = 1) => ({
        tenant: A,
        resource: `document:d${n}`,
        permission: "view",
        subject: `user:u${n}`,
        active,
        candidate: !active,
        count,
      });
      const tally = (parts: Partial<ShadowTally> = {}): ShadowTally => ({
        checks: 0,
        counts: [],
        divergences: [],
        dropped: false,
        ...parts,
      });

      test("one session runs at a time; start and stop are audited; stopped sessions stay readable", async () => {
        const id = await modelChange();
        expect(await store.runningShadow()).toBeUndefined();
        expect(await store.getShadow()).toBeUndefined();
        const started = await store.startShadow(
          { changeId: id, schema: "definition user {}", actor: "ann" },
          shadowAudit("shadow.start", id),
        );
        expect(started).toEqual({
          id: 1,
          changeId: id,
          schema: "definition user {}",
          startedAt: START,
          startedBy: "ann",
          stoppedAt: null,
          stoppedBy: null,
          checks: 0,
          kept: 0,
          truncated: false,
        });
        expect(await store.runningShadow()).toEqual(started);
        await expectFailure(
          store.startShadow({ changeId: id, schema: "x", actor: "bob" }, shadowAudit("shadow.start", id)),
          "conflict",
          /already running \(change 1, since 2030-01-01T00:00:00.000Z\)/,
        );
        setTime("2030-01-01T00:01:00.000Z");
        const stopped = await store.stopShadow("bob", shadowAudit("shadow.stop", id));
        expect(stopped).toEqual({ ...started, stoppedAt: "2030-01-01T00:01:00.000Z", stoppedBy: "bob" });
        expect(await store.runningShadow()).toBeUndefined();
        expect(await store.getShadow()).toEqual(stopped);
        expect(await store.getShadow(1)).toEqual(stopped);
        expect(await store.getShadow(2)).toBeUndefined();
        await expectFailure(
          store.stopShadow("bob", shadowAudit("shadow.stop", id)),
          "not_found",
          "no shadow evaluation is running",
        );
        const second = await store.startShadow(
          { changeId: id, schema: "definition user {}", actor: "ann" },
          shadowAudit("shadow.start", id),
        );
        expect(second.id).toBe(2);
        expect((await store.getShadow())?.id).toBe(2);
        const actions = (await store.listAudit({ target: `change:${id}` })).map((r) => r.action);
        expect(actions).toEqual(["change.propose", "shadow.start", "shadow.stop", "shadow.start"]);
      });

      test("a start of an unknown change, or with bad input, writes nothing", async () => {
        await expectFailure(
          store.startShadow(
            { changeId: 99, schema: "definition user {}", actor: "ann" },
            shadowAudit("shadow.start", 99),
          ),
          "not_found",
          "change 99 does not exist",
        );
        const id = await modelChange();
        await expectFailure(
          store.startShadow({ changeId: id, schema: "", actor: "ann" }, shadowAudit("shadow.start", id)),
          "input",
          "invalid schema: expected text",
        );
        expect(await store.getShadow()).toBeUndefined();
        expect((await store.listAudit({ action: "shadow.start" })).length).toBe(0);
      });

      test("tallies add up: counts, checks and distinct divergent checks, from several handles", async () => {
        const id = await modelChange();
        const session = await store.startShadow(
          { changeId: id, schema: "definition user {}", actor: "ann" },
          shadowAudit("shadow.start", id),
        );
        const other = options.openAgain ? await options.openAgain(store) : store;
        try {
          await store.addShadowTally(
            session.id,
            tally({
              checks: 10,
              counts: [{ tenant: A, permission: "document#view", direction: "would_block", count: 3 }],
              divergences: [divergence(1, true, 2), divergence(2, true, 1)],
            }),
          );
          await other.addShadowTally(
            session.id,
            tally({
              checks: 5,
              counts: [
                { tenant: A, permission: "document#view", direction: "would_block", count: 1 },
                { tenant: B, permission: "document#view", direction: "would_allow", count: 1 },
              ],
              divergences: [divergence(1, true, 1), { ...divergence(3, false), tenant: B }],
            }),
          );
        } finally {
          if (other !== store) await other.close();
        }
        const read = await store.readShadow(session.id);
        expect(read.session).toMatchObject({ checks: 15, kept: 3, truncated: false });
        expect(read.counts).toEqual([
          { tenant: A, permission: "document#view", direction: "would_block", count: 4 },
          { tenant: B, permission: "document#view", direction: "would_allow", count: 1 },
        ]);
        expect(read.divergences).toEqual([
          divergence(1, true, 3),
          divergence(2, true, 1),
          { ...divergence(3, false), tenant: B },
        ]);
      });

      test("distinct divergent checks are kept up to the limit, then only counted, and the session says so", async () => {
        const id = await modelChange();
        const session = await store.startShadow(
          { changeId: id, schema: "definition user {}", actor: "ann" },
          shadowAudit("shadow.start", id),
        );
        const many = Array.from({ length: SHADOW_SAMPLE_LIMIT - 2 }, (_, i) => divergence(i, true));
        await store.addShadowTally(session.id, tally({ checks: many.length, divergences: many }));
        expect((await store.getShadow(session.id))?.truncated).toBe(false);
        const more = [
          divergence(0, true, 4),
          ...Array.from({ length: 5 }, (_, i) => divergence(50_000 + i, false)),
        ];
        await store.addShadowTally(session.id, tally({ checks: 9, divergences: more }));
        const read = await store.readShadow(session.id);
        expect(read.session).toMatchObject({
          checks: SHADOW_SAMPLE_LIMIT - 2 + 9,
          kept: SHADOW_SAMPLE_LIMIT,
          truncated: true,
        });
        expect(read.divergences.length).toBe(SHADOW_SAMPLE_LIMIT);
        expect(read.divergences.find((d) => d.resource === "document:d0")?.count).toBe(5);
      }, 60_000);

      test("a bad tally is refused whole; an unknown session is not found", async () => {
        const id = await modelChange();
        const session = await store.startShadow(
          { changeId: id, schema: "definition user {}", actor: "ann" },
          shadowAudit("shadow.start", id),
        );
        await expectFailure(
          store.addShadowTally(
            session.id,
            tally({
              checks: 3,
              divergences: [divergence(1, true), { ...divergence(2, true), candidate: true }],
            }),
          ),
          "input",
          "invalid tally.divergences[1]: a divergent check's candidate answer must differ from its active one",
        );
        await expectFailure(
          store.addShadowTally(
            session.id,
            tally({ counts: [{ tenant: A, permission: "p", direction: "sideways" as Direction, count: 1 }] }),
          ),
          "input",
          /tally.counts\[0\].direction/,
        );
        await expectFailure(store.addShadowTally(session.id, tally({ checks: -1 })), "input", /tally.checks/);
        expect((await store.readShadow(session.id)).session.checks).toBe(0);
        expect((await store.readShadow(session.id)).divergences).toEqual([]);
        await expectFailure(
          store.addShadowTally(77, tally({ checks: 1 })),
          "not_found",
          "shadow session 77 does not exist",
        );
        await expectFailure(store.readShadow(77), "not_found", "shadow session 77 does not exist");
      });
    });

    describe("watch", () => {
      test("a listener hears of each new head, written through another handle on the store, until it stops", async () => {
        const writer = options.openAgain ? await options.openAgain(store) : store;
        const heads: Revision[] = [];
        const stop = store.watch((head) => heads.push(head));
        try {
          await writer.writeRelationships(A, create("document:a#viewer@user:ann"));
          await eventually("the listener to hear of revision 1", () => heads.includes(1));
          await writer.writeSchema("definition user {}");
          await writer.writeRelationships(B, create("document:a#viewer@user:ann"));
          await eventually("the listener to hear of revision 3", () => heads.includes(3));
          // Heads only grow, and none is told twice, however the store learned of it.
          expect(heads).toEqual([...new Set(heads)].sort((x, y) => x - y));

          stop();
          const told = heads.length;
          await writer.writeRelationships(A, create("document:b#viewer@user:ann"));
          await pause(300);
          expect(heads.length).toBe(told);
          stop();
        } finally {
          stop();
          if (writer !== store) await writer.close();
        }
      });

      test("listeners are independent: each is told of heads after it started watching", async () => {
        const first: Revision[] = [];
        const second: Revision[] = [];
        const stopFirst = store.watch((head) => first.push(head));
        await store.writeRelationships(A, create("document:a#viewer@user:ann")); // 1
        await eventually("the first listener to hear of revision 1", () => first.includes(1));
        const stopSecond = store.watch((head) => second.push(head));
        await store.writeRelationships(A, create("document:b#viewer@user:ann")); // 2
        await eventually(
          "both listeners to hear of revision 2",
          () => first.includes(2) && second.includes(2),
        );
        expect(first).toEqual([1, 2]);
        expect(second).toEqual([2]);
        stopFirst();
        stopSecond();
      });

      test("close stops every watch", async () => {
        const writer = options.openAgain ? await options.openAgain(store) : undefined;
        const heads: Revision[] = [];
        store.watch((head) => heads.push(head));
        await store.close();
        if (writer !== undefined) {
          await writer.writeRelationships(A, create("document:a#viewer@user:ann"));
          await pause(300);
          await writer.close();
        }
        expect(heads).toEqual([]);
        expect(() => store.watch(() => {})).toThrow();
      });
    });

    describe("lifecycle: deletion records, retention and purge", () => {
      test("a lifecycle change is stored with its record and audit in one step", async () => {
        const { change, lifecycle } = await store.createLifecycleChange(
          proposal({ intent: "purge", spec: spec({ deletes: [rel("document:a#owner@account:a1")] }) }),
          { kind: "delete", scope: "subject", tenant: A, target: "account:a1", details: { counts: 1 } },
          audit("change.propose"),
        );
        expect(change.intent).toBe("purge");
        expect(lifecycle).toEqual({
          changeId: change.id,
          kind: "delete",
          scope: "subject",
          tenant: A,
          target: "account:a1",
          details: { counts: 1 },
        });
        expect(await store.getLifecycle(change.id)).toEqual(lifecycle);
        expect(await store.getLifecycle(99)).toBeUndefined();
        await store.createLifecycleChange(
          proposal({ tenant: B, intent: "restore" }),
          { kind: "restore", scope: "tenant", tenant: B, target: B, details: null },
          audit("change.propose", { tenant: B }),
        );
        expect((await store.listLifecycle()).map((l) => l.changeId)).toEqual([1, 2]);
        expect((await store.listLifecycle({ tenant: A, target: "account:a1" })).map((l) => l.kind)).toEqual([
          "delete",
        ]);
        expect(await store.listLifecycle({ kind: "merge" })).toEqual([]);
        const audited = await store.listAudit({ action: "change.propose" });
        expect(audited.map((a) => a.target)).toEqual(["change:1", "change:2"]);
      });

      test("a bad lifecycle record stores nothing, not even the change", async () => {
        await expectFailure(
          store.createLifecycleChange(
            proposal(),
            { kind: "erase" as "delete", scope: "subject", tenant: A, target: "account:a1", details: null },
            audit("change.propose"),
          ),
          "input",
          "invalid lifecycle kind `erase`",
        );
        expect(await store.listChanges()).toEqual([]);
        expect(await store.listAudit()).toEqual([]);
      });

      test("retention is 30 days until set; setting it is audited", async () => {
        expect(await store.readRetention()).toEqual({ days: 30, setBy: null, setAt: null });
        setTime("2030-02-01T00:00:00.000Z");
        const set = await store.writeRetention(
          7,
          "ann",
          audit("retention.set", { tenant: null, target: "retention" }),
        );
        expect(set).toEqual({ days: 7, setBy: "ann", setAt: "2030-02-01T00:00:00.000Z" });
        expect(await store.readRetention()).toEqual(set);
        await store.writeRetention(
          45,
          "bob",
          audit("retention.set", { actor: "bob", tenant: null, target: "retention" }),
        );
        expect((await store.readRetention()).days).toBe(45);
        await expectFailure(
          store.writeRetention(0, "bob", audit("retention.set", { tenant: null, target: "retention" })),
          "input",
          /invalid retention `0`/,
        );
        expect((await store.listAudit({ action: "retention.set" })).map((a) => a.actor)).toEqual([
          "ann",
          "bob",
        ]);
      });

      test("history lists every row of a tuple; purge removes them all, only when none is live", async () => {
        await store.writeRelationships(
          A,
          create("document:a#owner@account:a1", "document:b#owner@account:a1"),
        ); // 1
        await store.writeRelationships(A, remove("document:a#owner@account:a1")); // 2
        await store.writeRelationships(A, create("document:a#owner@account:a1")); // 3
        await store.writeRelationships(
          A,
          remove("document:a#owner@account:a1", "document:b#owner@account:a1"),
        ); // 4
        await store.writeRelationships(B, create("document:a#owner@account:a1")); // 5
        const tuples = [rel("document:a#owner@account:a1"), rel("document:b#owner@account:a1")];
        const history = await store.relationshipHistory(A, tuples);
        expect(history.map((r) => [formatRelationship(r), r.createdRevision, r.deletedRevision])).toEqual([
          ["document:a#owner@account:a1", 1, 2],
          ["document:a#owner@account:a1", 3, 4],
          ["document:b#owner@account:a1", 1, 4],
        ]);
        const id = await plannedChange(store, 4);
        const purged = await store.purgeRelationships(
          { changeId: id, tenant: A, relationships: tuples, plan: { sha256: "ab" } },
          audit("change.apply", { target: `change:${id}`, details: { sha256: "ab" } }),
        );
        expect(purged.removed).toBe(3);
        expect(purged.revision).toBe(6);
        expect(await store.headRevision()).toBe(6);
        // The purge's own revision tells followers that rows (and their events) are gone.
        expect(await store.revisionsSince(5)).toEqual([
          { revision: 6, tenant: A, created: [], deleted: [], schemaVersion: null, purged: true },
        ]);
        expect((await store.listAudit({ action: "change.apply" }))[0]?.revision).toBe(6);
        expect(purged.change.state).toBe("applied");
        expect(purged.change.plan).toEqual({ sha256: "ab" });
        expect(await store.relationshipHistory(A, tuples)).toEqual([]);
        // Other tenants keep theirs; history at an old revision no longer shows the purged rows.
        expect(await read(store, B)).toEqual(["document:a#owner@account:a1"]);
        expect(await read(store, A, 1)).toEqual([]);
        await expectFailure(
          store.purgeRelationships(
            { changeId: id, tenant: A, relationships: tuples, plan: null },
            audit("change.apply", { target: `change:${id}` }),
          ),
          "conflict",
          `change ${id} is applied already; nothing was purged`,
        );
      });

      test("purge of a live tuple is refused and removes nothing", async () => {
        await store.writeRelationships(
          A,
          create("document:a#owner@account:a1", "document:b#owner@account:a1"),
        );
        await store.writeRelationships(A, remove("document:b#owner@account:a1"));
        const id = await plannedChange(store, 2);
        const before = (await store.listAudit()).length;
        await expectFailure(
          store.purgeRelationships(
            {
              changeId: id,
              tenant: A,
              relationships: [rel("document:b#owner@account:a1"), rel("document:a#owner@account:a1")],
              plan: null,
            },
            audit("change.apply", { target: `change:${id}` }),
          ),
          "conflict",
          "`document:a#owner@account:a1` is live again in tenant `acme`; nothing was purged",
        );
        expect((await store.relationshipHistory(A, [rel("document:b#owner@account:a1")])).length).toBe(1);
        expect((await store.getChange(id))?.state).toBe("planned");
        expect((await store.listAudit()).length).toBe(before);
        expect(await store.headRevision()).toBe(2);
      });
    });

    describe("changes, approvals, guards and the audit log", () => {
      test("changes get ids 1, 2, 3 ... store-wide, start proposed, and are audited without a revision", async () => {
        const first = await store.createChange(proposal(), audit("change.propose", { reason: "onboarding" }));
        setTime("2030-01-01T00:00:01.000Z");
        const second = await store.createChange(
          proposal({ tenant: B, intent: "revoke", author: "bob" }),
          audit("change.propose", { actor: "bob", tenant: B }),
        );
        expect([first.id, second.id]).toEqual([1, 2]);
        expect(first).toEqual({
          id: 1,
          tenant: A,
          intent: "grant",
          reason: "onboarding",
          author: "ann",
          state: "proposed",
          spec: spec(),
          createdAt: START,
          plan: null,
          baseRevision: null,
          appliedRevision: null,
          applied: null,
          revertOf: null,
          revertedBy: null,
          approvals: [],
        });
        expect(await store.getChange(1)).toEqual(first);
        expect(await store.getChange(2)).toEqual(second);
        expect(await store.getChange(3)).toBeUndefined();
        expect((await store.createChange(proposal(), audit("change.propose"))).id).toBe(3);

        // The store names the new change as the record's target: the caller cannot know the id.
        const records = await store.listAudit();
        expect(records.map((r) => [r.seq, r.action, r.target, r.tenant, r.revision, r.at])).toEqual([
          [1, "change.propose", "change:1", A, null, START],
          [2, "change.propose", "change:2", B, null, "2030-01-01T00:00:01.000Z"],
          [3, "change.propose", "change:3", A, null, "2030-01-01T00:00:01.000Z"],
        ]);
        // Proposing writes no data: no revision.
        expect(await store.headRevision()).toBe(0);
      });

      test("a change's spec and plan round-trip: wildcards, usersets, `...`, filters and schema text", async () => {
        const ellipsis = rel("document:a#viewer@user:bob");
        const given = spec({
          writes: [
            rel("document:a#viewer@user:*"),
            rel("document:a#viewer@group:eng#member"),
            { ...ellipsis, subject: { ...ellipsis.subject, relation: "..." } },
          ],
          deletes: [rel("folder:f#parent@folder:g"), rel("app/document:x#viewer@app/user:ann")],
          deleteWhere: [
            { resourceType: "document", subjectType: "group", subjectRelation: null },
            { subjectType: "user", subjectId: "ann", subjectRelation: "member" },
            {},
          ],
          schema: "definition user {}\n// ünïcode — kept\n",
        });
        const { id } = await store.createChange(proposal({ intent: "migration", spec: given }), audit("x.y"));
        const read = await store.getChange(id);
        expect(read?.spec).toEqual({
          ...given,
          writes: [...given.writes.slice(0, 2), rel("document:a#viewer@user:bob")],
        });
        // `...` is no relation: the subject has no `relation` key, as the parser produces it.
        expect(read?.spec.writes[2]?.subject).toStrictEqual({ type: "user", id: "bob" });
        expect(read?.spec.writes[0]?.subject).toStrictEqual({ type: "user", id: "*" });
        expect(read?.spec.deleteWhere[0]).toStrictEqual({
          resourceType: "document",
          subjectType: "group",
          subjectRelation: null,
        });

        const plan = {
          lost: [{ tenant: A, resource: "document:a", subject: "user:ann" }],
          count: 1,
          note: "ü",
        };
        const planned = await store.updateChange(id, { plan }, audit("change.plan"));
        expect(planned.plan).toEqual(plan);
        expect((await store.getChange(id))?.plan).toEqual(plan);
      });

      test("a malformed change is an input error naming its field, and writes nothing", async () => {
        const bad = rel("document:a#viewer@user:ann");
        const error = await expectFailure(
          store.createChange(
            proposal({
              spec: spec({
                writes: [
                  rel("document:a#viewer@user:ann"),
                  { ...bad, resource: { type: "document", id: "*" } },
                ],
                deletes: [{ ...bad, subject: { type: "user", id: "*", relation: "member" } }],
              }),
            }),
            audit("change.propose"),
          ),
          "input",
          /2 errors/,
        );
        expect(error.details.map((d) => d.place?.field)).toEqual(["spec.writes[1]", "spec.deletes[0]"]);
        await expectFailure(
          store.createChange(proposal({ tenant: "Not A Tenant" }), audit("x")),
          "input",
          /tenant/,
        );
        await expectFailure(
          store.createChange(proposal({ intent: "yolo" as NewChange["intent"] }), audit("x")),
          "input",
          /unknown intent `yolo`/,
        );
        await expectFailure(
          store.createChange(proposal({ revertOf: 7 }), audit("change.revert")),
          "not_found",
          "change 7 does not exist",
        );
        await expectFailure(store.createChange(proposal(), audit("")), "input", /audit\.action/);
        expect(await store.listChanges()).toEqual([]);
        expect(await store.listAudit()).toEqual([]);
        expect((await store.createChange(proposal(), audit("change.propose"))).id).toBe(1);
      });

      test("listChanges is newest first, filtered by tenant and state, and limited", async () => {
        for (const tenant of [A, B, A, A]) {
          await store.createChange(proposal({ tenant }), audit("change.propose", { tenant }));
        }
        await store.updateChange(3, { state: "rejected" }, audit("change.reject", { target: "change:3" }));
        const ids = async (filter?: Parameters<Store["listChanges"]>[0]) =>
          (await store.listChanges(filter)).map((c) => c.id);
        expect(await ids()).toEqual([4, 3, 2, 1]);
        expect(await ids({ tenant: A })).toEqual([4, 3, 1]);
        expect(await ids({ tenant: B })).toEqual([2]);
        expect(await ids({ state: "proposed" })).toEqual([4, 2, 1]);
        expect(await ids({ tenant: A, state: "rejected" })).toEqual([3]);
        expect(await ids({ tenant: A, state: "proposed", limit: 1 })).toEqual([4]);
        expect(await ids({ tenant: "initech" })).toEqual([]);
        await expectFailure(store.listChanges({ limit: 0 }), "input", /invalid limit/);
      });

      test("listChangeSummaries lists as listChanges does, each change's summary fields and whether it writes the schema", async () => {
        await store.writeRelationships(A, create("document:a#viewer@user:ann")); // 1
        for (const tenant of [A, B, A]) {
          await store.createChange(proposal({ tenant }), audit("change.propose", { tenant }));
        }
        await store.createChange(
          proposal({ spec: { ...spec(), schema: "definition user {}" } }),
          audit("change.propose"),
        );
        await store.updateChange(
          2,
          { state: "planned", plan: { lost: ["x".repeat(1_000)] }, baseRevision: 1 },
          audit("change.plan", { target: "change:2", revision: 1 }),
        );
        await store.updateChange(3, { state: "rejected" }, audit("change.reject", { target: "change:3" }));
        const filters: Parameters<Store["listChanges"]>[0][] = [
          undefined,
          { tenant: A },
          { state: "proposed" },
          { tenant: A, state: "rejected" },
          { tenant: A, limit: 2 },
        ];
        for (const filter of filters) {
          const whole = await store.listChanges(filter);
          const summaries = await store.listChangeSummaries(filter);
          expect(summaries).toEqual(
            whole.map((c) => ({
              id: c.id,
              tenant: c.tenant,
              intent: c.intent,
              reason: c.reason,
              author: c.author,
              state: c.state,
              createdAt: c.createdAt,
              baseRevision: c.baseRevision,
              appliedRevision: c.appliedRevision,
              revertOf: c.revertOf,
              revertedBy: c.revertedBy,
              storeWide: c.spec.schema !== null,
            })),
          );
        }
        expect((await store.listChangeSummaries()).map((c) => [c.id, c.storeWide, c.baseRevision])).toEqual([
          [4, true, null],
          [3, false, null],
          [2, false, 1],
          [1, false, null],
        ]);
        await expectFailure(store.listChangeSummaries({ limit: 0 }), "input", /invalid limit/);
        // A limited token's list: its tenants' changes only, none store-wide, `limit` counting those.
        const visible = async (filter: Parameters<Store["listChangeSummaries"]>[0]) =>
          (await store.listChangeSummaries(filter)).map((c) => c.id);
        expect(await visible({ visibleTo: [A] })).toEqual([3, 1]);
        expect(await visible({ visibleTo: [A], limit: 1 })).toEqual([3]);
        expect(await visible({ visibleTo: [B, A], state: "proposed" })).toEqual([1]);
        expect(await visible({ visibleTo: [B] })).toEqual([2]);
        expect(await visible({ visibleTo: [] })).toEqual([]);
      });

      test("updateChange sets the named fields only, with its audit record; an unknown change is not_found", async () => {
        await store.writeRelationships(A, create("document:a#viewer@user:ann")); // 1
        const { id } = await store.createChange(proposal(), audit("change.propose"));
        setTime("2030-01-01T00:01:00.000Z");
        const planned = await store.updateChange(
          id,
          { state: "planned", plan: { lost: [] }, baseRevision: 1 },
          audit("change.plan", { revision: 1, details: { lost: 0 } }),
        );
        expect(planned).toMatchObject({
          state: "planned",
          plan: { lost: [] },
          baseRevision: 1,
          createdAt: START,
        });
        const approved = await store.updateChange(id, { state: "approved" }, audit("change.approve"));
        expect(approved).toEqual({ ...planned, state: "approved" });
        // An explicit null clears the plan; an absent field is left alone.
        expect((await store.updateChange(id, { plan: null }, audit("change.plan"))).plan).toBeNull();

        const { id: revert } = await store.createChange(
          proposal({ intent: "revert", revertOf: id }),
          audit("x"),
        );
        expect((await store.getChange(revert))?.revertOf).toBe(id);
        expect((await store.updateChange(id, { revertedBy: revert }, audit("x"))).revertedBy).toBe(revert);

        const before = await store.listAudit();
        expect(before[1]).toEqual({
          seq: 2,
          at: "2030-01-01T00:01:00.000Z",
          actor: "ann",
          action: "change.plan",
          tenant: A,
          target: "change:1",
          reason: null,
          revision: 1,
          details: { lost: 0 },
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          previousHash: before[0]?.hash,
          chainSeq: 2,
        });
        await expectFailure(
          store.updateChange(99, { state: "planned" }, audit("change.plan")),
          "not_found",
          "change 99 does not exist",
        );
        await expectFailure(
          store.updateChange(id, { baseRevision: 5 }, audit("change.plan")),
          "not_found",
          "revision 5 does not exist; the newest is 1",
        );
        await expectFailure(
          store.updateChange(id, { state: "done" as "applied" }, audit("x")),
          "input",
          /unknown change state `done`/,
        );
        await expectFailure(store.updateChange(id, { revertedBy: 42 }, audit("x")), "not_found", /change 42/);
        expect(await store.listAudit()).toEqual(before);
        expect((await store.getChange(id))?.baseRevision).toBe(1);
      });

      test("approvals: one per principal, kept in order with time and comment, each audited", async () => {
        await store.createChange(proposal(), audit("change.propose"));
        await store.createChange(proposal(), audit("change.propose"));
        setTime("2030-01-01T00:02:00.000Z");
        await store.addApproval(
          1,
          "bob",
          "the loss list is expected",
          audit("change.approve", { actor: "bob" }),
        );
        setTime("2030-01-01T00:03:00.000Z");
        const change = await store.addApproval(1, "carol", null, audit("change.approve", { actor: "carol" }));
        expect(change.approvals).toEqual([
          { principal: "bob", at: "2030-01-01T00:02:00.000Z", comment: "the loss list is expected" },
          { principal: "carol", at: "2030-01-01T00:03:00.000Z", comment: null },
        ]);
        expect((await store.getChange(1))?.approvals).toEqual(change.approvals);
        expect((await store.getChange(2))?.approvals).toEqual([]);
        expect((await store.listChanges()).map((c) => c.approvals.length)).toEqual([0, 2]);

        const audited = (await store.listAudit({ action: "change.approve" })).length;
        const error = await expectFailure(
          store.addApproval(1, "bob", "again", audit("change.approve", { actor: "bob" })),
          "conflict",
          /`bob` has already approved change 1/,
        );
        expect(error.place?.field).toBe("principal");
        await expectFailure(
          store.addApproval(9, "bob", null, audit("change.approve")),
          "not_found",
          "change 9 does not exist",
        );
        expect((await store.listAudit({ action: "change.approve" })).length).toBe(audited);
        expect((await store.getChange(1))?.approvals).toEqual(change.approvals);
        // The same principal may approve another change.
        expect((await store.addApproval(2, "bob", null, audit("change.approve"))).approvals.length).toBe(1);
      });

      test("approvals name the plan they approve: one per principal and plan, in order", async () => {
        await store.createChange(proposal(), audit("change.propose"));
        setTime("2030-01-01T00:02:00.000Z");
        await store.addApproval(1, "bob", "first plan", audit("change.approve"), "aaaaaaaaaaaaaaaa");
        setTime("2030-01-01T00:03:00.000Z");
        // A new plan: the same principal approves it too.
        const change = await store.addApproval(1, "bob", null, audit("change.approve"), "bbbbbbbbbbbbbbbb");
        expect(change.approvals).toEqual([
          {
            principal: "bob",
            at: "2030-01-01T00:02:00.000Z",
            comment: "first plan",
            plan: "aaaaaaaaaaaaaaaa",
          },
          { principal: "bob", at: "2030-01-01T00:03:00.000Z", comment: null, plan: "bbbbbbbbbbbbbbbb" },
        ]);
        expect((await store.getChange(1))?.approvals).toEqual(change.approvals);
        const audited = (await store.listAudit()).length;
        const error = await expectFailure(
          store.addApproval(1, "bob", null, audit("change.approve"), "bbbbbbbbbbbbbbbb"),
          "conflict",
          "`bob` has already approved plan bbbbbbbbbbbbbbbb of change 1",
        );
        expect(error.place?.field).toBe("principal");
        await expectFailure(
          store.addApproval(1, "carol", null, audit("change.approve"), ""),
          "input",
          /plan/,
        );
        expect((await store.listAudit()).length).toBe(audited);
        expect((await store.getChange(1))?.approvals).toEqual(change.approvals);
      });

      test("guards versions are numbered and kept; readGuards returns the newest; each write is audited", async () => {
        expect(await store.readGuards()).toBeUndefined();
        const first = await store.writeGuards(
          "cleanup: no-access-change\n",
          "ann",
          audit("guards.write", { target: "guards", tenant: null }),
        );
        setTime("2030-01-02T00:00:00.000Z");
        const second = await store.writeGuards(
          "max-losses: 10\n",
          "bob",
          audit("guards.write", { target: "guards", tenant: null }),
        );
        expect(first).toEqual({
          version: 1,
          text: "cleanup: no-access-change\n",
          author: "ann",
          createdAt: START,
        });
        expect(second).toEqual({
          version: 2,
          text: "max-losses: 10\n",
          author: "bob",
          createdAt: "2030-01-02T00:00:00.000Z",
        });
        expect(await store.readGuards()).toEqual(second);
        expect((await store.listAudit({ target: "guards" })).map((r) => [r.action, r.tenant])).toEqual([
          ["guards.write", null],
          ["guards.write", null],
        ]);
        await expectFailure(store.writeGuards("x", "", audit("guards.write")), "input", /author/);
        expect(await store.readGuards()).toEqual(second);
        expect(await store.headRevision()).toBe(0);
      });

      test("the audit log is appended with the store clock and filtered by actor, action, tenant, target and time", async () => {
        const times = [
          "2030-01-01T00:00:00.000Z",
          "2030-01-01T12:00:00.000Z",
          "2030-01-02T00:00:00.000Z",
          "2030-01-03T08:30:00.000Z",
        ];
        const appended = [];
        const records: NewAuditRecord[] = [
          audit("change.propose", { details: { spec: ["document:a#viewer@user:*"] } }),
          audit("change.approve", { actor: "bob", reason: "fine by me", revision: 3 }),
          audit("schema.write", { tenant: null, target: "schema", details: undefined }),
          audit("change.propose", { actor: "bob", tenant: B, target: "change:2" }),
        ];
        for (const [i, record] of records.entries()) {
          setTime(times[i]!);
          appended.push(await store.appendAudit(record));
        }
        expect(appended[0]).toEqual({
          seq: 1,
          at: times[0],
          actor: "ann",
          action: "change.propose",
          tenant: A,
          target: "change:1",
          reason: null,
          revision: null,
          details: { spec: ["document:a#viewer@user:*"] },
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          previousHash: null,
          chainSeq: 1,
        });
        expect(appended[1]).toMatchObject({ seq: 2, reason: "fine by me", revision: 3 });
        expect(appended[2]).toMatchObject({ tenant: null, target: "schema", details: null });
        expect(await store.listAudit()).toEqual(appended);

        const seqs = async (filter: Parameters<Store["listAudit"]>[0]) =>
          (await store.listAudit(filter)).map((r) => r.seq);
        expect(await seqs({ actor: "bob" })).toEqual([2, 4]);
        expect(await seqs({ action: "change.propose" })).toEqual([1, 4]);
        expect(await seqs({ tenant: A })).toEqual([1, 2]);
        expect(await seqs({ target: "change:1" })).toEqual([1, 2]);
        expect(await seqs({ actor: "bob", tenant: B })).toEqual([4]);
        // `since` is inclusive and `until` exclusive; a date alone is its midnight.
        expect(await seqs({ since: times[1] })).toEqual([2, 3, 4]);
        expect(await seqs({ until: times[2] })).toEqual([1, 2]);
        expect(await seqs({ since: "2030-01-01T06:00:00Z", until: "2030-01-03" })).toEqual([2, 3]);
        expect(await seqs({ since: "2030-01-02" })).toEqual([3, 4]);
        expect(await seqs({ limit: 2 })).toEqual([1, 2]);
        expect(await seqs({ action: "change.propose", limit: 1 })).toEqual([1]);
        await expectFailure(store.listAudit({ since: "yesterday" }), "input", /invalid since `yesterday`/);
        await expectFailure(
          store.listAudit({ until: "2030-01-01T00:00:00+02:00" }),
          "input",
          /invalid until/,
        );
        await expectFailure(store.listAudit({ limit: 0 }), "input", /invalid limit/);
      });

      test("every act's audit record joins its tenant's hash chain (or the store-wide one), which verifyAudit walks", async () => {
        expect(await store.verifyAudit()).toEqual({ ok: true, checked: 0 });
        await store.writeRelationships(A, create("document:a#viewer@user:ann")); // 1
        const id = await plannedChange(store, 1);
        await store.addApproval(
          id,
          "bob",
          null,
          audit("change.approve", { actor: "bob", target: `change:${id}` }),
        );
        await store.writeGuards("guards: []", "ann", audit("guards.write", { target: "guards" }));
        await store.applyChange(applying(id, { updates: create("document:b#viewer@user:ann") }));
        await store.createToken(
          { name: "ci", role: "write", tenants: null, secretHash: "h" },
          audit("token.create", { tenant: null, target: "token:ci" }),
        );
        await store.revokeToken("ci", audit("token.revoke", { tenant: null, target: "token:ci" }));
        await store.appendAudit(audit("auth.forbidden", { details: { route: "/v1/x" } }));
        // A failed act leaves no record and no hole in the chain.
        await expectFailure(store.revokeToken("ci", audit("token.revoke")), "not_found", /ci/);
        const records = await store.listAudit();
        expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
        // Each record is chained to the one before it on its tenant (issue 18: acts on different
        // tenants lock different heads), numbered within its chain.
        const earlierOnTenant = (r: (typeof records)[number]) =>
          records.filter((o) => o.tenant === r.tenant && o.seq < r.seq);
        expect(records.map((r) => r.previousHash)).toEqual(
          records.map((r) => earlierOnTenant(r).at(-1)?.hash ?? null),
        );
        expect(records.map((r) => r.chainSeq)).toEqual(records.map((r) => earlierOnTenant(r).length + 1));
        expect(new Set(records.map((r) => r.tenant))).toEqual(new Set([A, null]));
        expect(await store.verifyAudit()).toEqual({ ok: true, checked: records.length });
      });

      test("audit records appended at once, through two handles on the store, form one valid chain", async () => {
        const other = options.openAgain ? await options.openAgain(store) : store;
        try {
          const appended = await Promise.all(
            Array.from({ length: 24 }, (_, i) =>
              (i % 2 === 0 ? store : other).appendAudit(audit("change.plan", { details: { i } })),
            ),
          );
          expect(appended.map((r) => r.seq).sort((x, y) => x - y)).toEqual(
            Array.from({ length: 24 }, (_, i) => i + 1),
          );
          expect(await store.verifyAudit()).toEqual({ ok: true, checked: 24 });
        } finally {
          if (other !== store) await other.close();
        }
      });

      test("applyChange writes relationships and a schema as one revision, marks the change applied and audits it", async () => {
        await store.writeRelationships(A, create("document:a#viewer@user:ann", "document:b#viewer@user:ann")); // 1
        const id = await plannedChange(store, 1);
        setTime("2030-01-05T00:00:00.000Z");
        const schema = "definition user {}\ndefinition document {\n  relation viewer: user | user:*\n}\n";
        const result = await store.applyChange(
          applying(id, {
            updates: [
              ...remove("document:a#viewer@user:ann"),
              ...create("document:a#viewer@user:*"),
              ...touch("document:b#viewer@user:ann"),
            ],
            schema,
            region: { baseRevision: 1, objects: ["document:a", "user:ann"], schemaSensitive: true },
          }),
        );
        expect(result.revision).toBe(2);
        expect(names(result.created)).toEqual(["document:a#viewer@user:*"]);
        expect(names(result.deleted)).toEqual(["document:a#viewer@user:ann"]);
        expect(result.schemaVersion).toEqual({
          version: 1,
          revision: 2,
          text: schema,
          createdAt: "2030-01-05T00:00:00.000Z",
          author: "bob",
        });
        expect(result.change).toMatchObject({
          id,
          state: "applied",
          baseRevision: 1,
          appliedRevision: 2,
          applied: { created: result.created, deleted: result.deleted, schemaVersion: 1 },
        });
        expect(await store.getChange(id)).toEqual(result.change);

        expect(await store.headRevision()).toBe(2);
        expect(await read(store, A)).toEqual(["document:a#viewer@user:*", "document:b#viewer@user:ann"]);
        expect(await read(store, A, 1)).toEqual(["document:a#viewer@user:ann", "document:b#viewer@user:ann"]);
        expect(await store.readSchema()).toEqual(result.schemaVersion);
        expect(await store.readSchema(1)).toBeUndefined();
        // Followers see one event that is both a write of the tenant and a schema version.
        expect(await store.revisionsSince(1)).toEqual([
          { revision: 2, tenant: A, created: result.created, deleted: result.deleted, schemaVersion: 1 },
        ]);
        const last = (await store.listAudit()).at(-1);
        expect(last).toMatchObject({
          action: "change.apply",
          actor: "bob",
          target: `change:${id}`,
          revision: 2,
          at: "2030-01-05T00:00:00.000Z",
        });

        // A second apply of the same change is refused, whatever its region says.
        await expectFailure(
          store.applyChange(
            applying(id, {
              updates: create("document:c#viewer@user:ann"),
              region: { baseRevision: 2, objects: [], schemaSensitive: false },
            }),
          ),
          "conflict",
          `change ${id} was already applied at revision 2`,
        );
        expect(await store.headRevision()).toBe(2);
      });

      test("an apply of a schema alone is one revision of the change's tenant; an apply of nothing is an input error", async () => {
        const id = await plannedChange(store, 0);
        await expectFailure(store.applyChange(applying(id)), "input", /nothing to apply/);
        const result = await store.applyChange(applying(id, { schema: "definition user {}" }));
        expect(result).toMatchObject({
          revision: 1,
          created: [],
          deleted: [],
          schemaVersion: { version: 1, revision: 1 },
        });
        expect(result.change.applied).toEqual({ created: [], deleted: [], schemaVersion: 1 });
        expect(await store.revisionsSince(0)).toEqual([
          { revision: 1, tenant: A, created: [], deleted: [], schemaVersion: 1 },
        ]);
      });

      test("an apply names an existing change of its tenant and a base revision that exists", async () => {
        await store.writeRelationships(A, create("document:a#viewer@user:ann")); // 1
        const id = await plannedChange(store, 1);
        const updates = create("document:b#viewer@user:ann");
        await expectFailure(
          store.applyChange(applying(99, { updates })),
          "not_found",
          "change 99 does not exist",
        );
        await expectFailure(
          store.applyChange(applying(id, { tenant: B, updates })),
          "input",
          /belongs to tenant `acme`, not `globex`/,
        );
        await expectFailure(
          store.applyChange(
            applying(id, { updates, region: { baseRevision: 2, objects: [], schemaSensitive: false } }),
          ),
          "not_found",
          "revision 2 does not exist; the newest is 1",
        );
        await expectFailure(
          store.applyChange(
            applying(id, {
              updates,
              region: { baseRevision: 1, objects: ["readme"], schemaSensitive: false },
            }),
          ),
          "input",
          /invalid region object `readme`/,
        );
        await expectFailure(
          store.applyChange(applying(id, { updates: [...updates, ...updates] })),
          "input",
          /more than once/,
        );
        expect(await store.headRevision()).toBe(1);
        expect((await store.getChange(id))?.state).toBe("planned");
      });

      test("applyChange is all or nothing: a conflicting update leaves the change planned, no audit, no revision, no schema", async () => {
        await store.writeRelationships(A, create("document:a#viewer@user:ann")); // 1
        const id = await plannedChange(store, 1);
        const before = await store.getChange(id);
        const audited = await store.listAudit();
        await expectFailure(
          store.applyChange(
            applying(id, {
              updates: [...create("document:b#viewer@user:ann"), ...create("document:a#viewer@user:ann")],
              schema: "definition user {}",
              region: { baseRevision: 1, objects: ["document:a"], schemaSensitive: true },
            }),
          ),
          "conflict",
          "relationship `document:a#viewer@user:ann` already exists",
        );
        await expectFailure(
          store.applyChange(
            applying(id, {
              updates: remove("document:z#viewer@user:ann"),
              region: { baseRevision: 1, objects: [], schemaSensitive: false },
            }),
          ),
          "conflict",
          "relationship `document:z#viewer@user:ann` does not exist",
        );
        // An audit record the store cannot keep also rolls the whole apply back.
        await expectFailure(
          store.applyChange(
            applying(id, { updates: create("document:b#viewer@user:ann"), audit: audit("") }),
          ),
          "input",
          /audit\.action/,
        );
        expect(await store.getChange(id)).toEqual(before);
        expect(before?.state).toBe("planned");
        expect(await store.listAudit()).toEqual(audited);
        expect(await store.headRevision()).toBe(1);
        expect(await store.listSchemaVersions()).toEqual([]);
        expect(await read(store, A)).toEqual(["document:a#viewer@user:ann"]);
        expect(await store.revisionsSince(1)).toEqual([]);
        // The refused applies consumed no revision.
        expect((await store.writeRelationships(A, create("document:c#viewer@user:ann"))).revision).toBe(2);
      });

      describe("staleness", () => {
        const region = (objects: string[], schemaSensitive = false) => ({
          baseRevision: 1,
          objects,
          schemaSensitive,
        });
        const updates = create("document:new#viewer@user:zed");

        beforeEach(async () => {
          await store.writeRelationships(
            A,
            create(
              "document:a#viewer@group:eng#member",
              "group:eng#member@user:ann",
              "folder:f#viewer@user:ann",
            ),
          ); // 1
          await plannedChange(store, 1);
        });

        async function expectStale(objects: string[], message: string | RegExp) {
          const head = await store.headRevision();
          const audited = (await store.listAudit()).length;
          await expectFailure(
            store.applyChange(applying(1, { updates, region: region(objects) })),
            "conflict",
            message,
          );
          expect(await store.headRevision()).toBe(head);
          expect((await store.listAudit()).length).toBe(audited);
          expect((await store.getChange(1))?.state).toBe("planned");
        }

        test("a relationship created since the plan on a resource of the region makes the change stale", async () => {
          await store.writeRelationships(A, create("document:a#viewer@user:bob")); // 2
          await expectStale(
            ["document:a"],
            "change 1 is stale: `document:a#viewer@user:bob` was written at revision 2 after its plan (base revision 1); plan it again",
          );
        });

        test("a relationship deleted since the plan whose subject object is in the region makes the change stale", async () => {
          await store.writeRelationships(A, remove("document:a#viewer@group:eng#member")); // 2
          // The subject is `group:eng#member`; the region names the object, whatever the relation.
          await expectStale(
            ["folder:f", "group:eng"],
            "change 1 is stale: `document:a#viewer@group:eng#member` was written at revision 2 after its plan (base revision 1); plan it again",
          );
        });

        test("the earliest write into the region is the one named", async () => {
          await store.writeRelationships(A, create("folder:f#viewer@user:bob")); // 2
          await store.writeRelationships(
            A,
            create("document:a#editor@user:ann", "document:a#viewer@user:ann"),
          ); // 3
          await expectStale(
            ["document:a", "folder:f"],
            /`folder:f#viewer@user:bob` was written at revision 2 /,
          );
        });

        test("a schema written since the plan makes a schema-sensitive change, or one that writes a schema, stale", async () => {
          await store.writeSchema("definition user {}"); // 2
          const message =
            "change 1 is stale: schema version 1 was written at revision 2 after its plan (base revision 1); plan it again";
          await expectFailure(
            store.applyChange(applying(1, { updates, region: region(["document:a"], true) })),
            "conflict",
            message,
          );
          await expectFailure(
            store.applyChange(
              applying(1, { updates, schema: "definition user {}\n", region: region(["document:a"]) }),
            ),
            "conflict",
            message,
          );
          expect(await store.headRevision()).toBe(2);
          // A change that neither depends on the schema nor writes one is not affected by it.
          expect(
            (await store.applyChange(applying(1, { updates, region: region(["document:a"]) }))).revision,
          ).toBe(3);
        });

        test("not stale: writes since the plan to other objects of the tenant, or to the same objects in another tenant", async () => {
          await store.writeRelationships(
            A,
            create("document:b#viewer@user:bob", "folder:g#viewer@group:ops#member"),
          ); // 2
          await store.writeRelationships(
            B,
            create("document:a#viewer@user:bob", "folder:f#viewer@group:eng#member"),
          ); // 3
          await store.writeRelationships(B, remove("document:a#viewer@user:bob")); // 4
          await store.writeSchema("definition user {}"); // 5
          // Relationships written at or before the base revision are part of the plan, not news.
          const result = await store.applyChange(
            applying(1, { updates, region: region(["document:a", "group:eng", "folder:f", "user:ann"]) }),
          );
          expect(result.revision).toBe(6);
          expect(result.change.state).toBe("applied");
        });

        test("staleness is exact however much was written since the plan, in the tenant and elsewhere", async () => {
          const many = (prefix: string) =>
            create(...Array.from({ length: 3_000 }, (_, i) => `document:${prefix}${i}#viewer@user:u${i}`));
          await store.writeRelationships(A, many("bulk")); // 2
          await store.writeRelationships(B, many("other")); // 3
          await store.writeRelationships(B, create("document:a#viewer@user:bob")); // 4
          const objects = [
            "document:a",
            "group:eng",
            ...Array.from({ length: 50 }, (_, i) => `document:quiet${i}`),
          ];
          const fresh = await store.applyChange(applying(1, { updates, region: region(objects) }));
          expect(fresh.revision).toBe(5);

          const again = await plannedChange(store, 1);
          await store.writeRelationships(A, create("user:u7#owner@group:eng")); // 6
          await store.writeRelationships(A, many("more")); // 7
          const later = create("document:x#viewer@user:ann");
          await expectFailure(
            store.applyChange(applying(again, { updates: later, region: region(objects) })),
            "conflict",
            "change 2 is stale: `user:u7#owner@group:eng` was written at revision 6 after its plan (base revision 1); plan it again",
          );
          await expectFailure(
            store.applyChange(applying(again, { updates: later, region: region(["document:new"]) })),
            "conflict",
            /`document:new#viewer@user:zed` was written at revision 5 /,
          );
          expect(await store.headRevision()).toBe(7);
        }, 60_000);
      });
    });
  });
}
