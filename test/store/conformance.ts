import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ErrorKind, GatehouseError } from "../../src/model/errors.js";
import { formatRelationship, parseRelationship, type Relationship } from "../../src/model/relationship.js";
import type { RelationshipUpdate, Revision, Store, UpdateOperation } from "../../src/store/store.js";

/**
 * The storage conformance suite: every backend runs these same cases, so that SQLite and
 * PostgreSQL answer alike. `open` must return a new, empty store on every call.
 */
export interface ConformanceOptions {
  /** Cases a backend cannot run, by title, each with the reason it cannot. */
  readonly skip?: Readonly<Record<string, string>>;
}

const A = "acme";
const B = "globex";

const rel = (text: string): Relationship => parseRelationship(text);
const update = (operation: UpdateOperation, ...texts: string[]): RelationshipUpdate[] =>
  texts.map((text) => ({ operation, relationship: rel(text) }));
const create = (...texts: string[]) => update("create", ...texts);
const touch = (...texts: string[]) => update("touch", ...texts);
const remove = (...texts: string[]) => update("delete", ...texts);
const names = (list: readonly Relationship[]): string[] => list.map(formatRelationship);

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
  open: () => Promise<Store>,
  options: ConformanceOptions = {},
): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
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
  });
}
