import { v1 } from "@authzed/authzed-node";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseClient } from "../../src/client/client.js";
import {
  codeOf,
  rel,
  type SpicedbDoorUnderTest,
  startDoor,
  touch,
  tupleText,
  update,
} from "./grpc-server.js";

const SCHEMA = `use expiration

caveat on_level(level int) {
  level > 2
}

definition user {}

definition document {
  relation viewer: user with on_level | user with expiration | user with on_level and expiration
  relation owner: user
  permission view = viewer + owner
}
`;

const { DELETE } = v1.RelationshipUpdate_Operation;
const docs = v1.RelationshipFilter.create({ resourceType: "document" });

/** A relationship's text with its caveat and expiration, as Gatehouse prints it. */
function withTraits(r: v1.Relationship | undefined): string {
  let text = tupleText(r);
  const caveat = r?.optionalCaveat;
  if (caveat) {
    const context = caveat.context ? v1.PbStruct.toJson(caveat.context) : {};
    text += `[${caveat.caveatName}${Object.keys(context as object).length > 0 ? `:${JSON.stringify(context)}` : ""}]`;
  }
  const t = r?.optionalExpiresAt;
  if (t) {
    const iso = new Date(Number(t.seconds) * 1000).toISOString().slice(0, 19);
    text += `[expiration:${iso}${t.nanos ? `.${String(t.nanos).padStart(9, "0").replace(/0+$/, "")}` : ""}Z]`;
  }
  return text;
}

function caveated(
  subject: string,
  context?: Record<string, unknown>,
  expiresAt?: { seconds: string; nanos: number },
) {
  const r = rel("document:one", "viewer", subject);
  r.optionalCaveat = {
    caveatName: "on_level",
    ...(context
      ? { context: v1.PbStruct.fromJson(context as Parameters<typeof v1.PbStruct.fromJson>[0]) }
      : {}),
  };
  if (expiresAt) r.optionalExpiresAt = expiresAt;
  return r;
}

describe("caveats and expiration through the SpiceDB gRPC door and the HTTP API", () => {
  let door: SpicedbDoorUnderTest;
  let acme: ReturnType<SpicedbDoorUnderTest["client"]>;
  let globex: ReturnType<SpicedbDoorUnderTest["client"]>;
  let http: GatehouseClient;

  beforeAll(async () => {
    door = await startDoor();
    const admin = await door.http.token("admin", "admin");
    http = new GatehouseClient({ url: door.http.url, token: admin });
    await http.writeSchema(SCHEMA);
    acme = door.client(await door.http.token("acme", "write", ["acme"]));
    globex = door.client(await door.http.token("globex", "write", ["globex"]));
  });
  afterAll(async () => door.close());

  const expected = [
    'document:one#viewer@user:ann[on_level:{"level":3}]',
    "document:one#viewer@user:bob[on_level][expiration:2300-01-01T00:00:00.25Z]",
    "document:one#viewer@user:cat[expiration:2300-06-01T12:00:00Z]",
  ];

  it("writes optional_caveat with its context and optional_expires_at, and reads them back", async () => {
    const cat = rel("document:one", "viewer", "user:cat");
    cat.optionalExpiresAt = { seconds: String(Date.UTC(2300, 5, 1, 12) / 1000), nanos: 0 };
    await acme.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [
          touch(caveated("user:ann", { level: 3 })),
          touch(
            caveated("user:bob", undefined, {
              seconds: String(Date.UTC(2300, 0, 1) / 1000),
              nanos: 250_000_000,
            }),
          ),
          touch(cat),
        ],
      }),
    );
    const read = await acme.promises.readRelationships(
      v1.ReadRelationshipsRequest.create({ relationshipFilter: docs }),
    );
    expect(read.map((r) => withTraits(r.relationship))).toEqual(expected);
    // The HTTP API reads the same, as text and as fields.
    const page = await http.readRelationships("acme");
    expect(page.relationships.map((r) => r.relationship)).toEqual(expected);
    expect(page.relationships[0]?.caveat).toEqual({ name: "on_level", context: { level: 3 } });
    expect(page.relationships[1]?.expiresAt).toBe("2300-01-01T00:00:00.25Z");
  });

  it("refuses what the schema does not allow, naming the update, and writes nothing", async () => {
    const plain = await codeOf(
      acme.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({ updates: [touch(rel("document:one", "viewer", "user:dan"))] }),
      ),
    );
    expect(plain?.code).toBe(status.INVALID_ARGUMENT);
    expect(plain?.details).toMatch(
      /without a caveat or expiration does not fit; the schema allows `user with on_level`/,
    );
    const badContext = await codeOf(
      acme.promises.writeRelationships(
        v1.WriteRelationshipsRequest.create({ updates: [touch(caveated("user:dan", { level: "high" }))] }),
      ),
    );
    expect(badContext?.details).toMatch(/context parameter `level` must be an integer/);
    const owner = rel("document:one", "owner", "user:dan");
    owner.optionalExpiresAt = { seconds: "9000000000", nanos: 0 };
    const noExpiration = await codeOf(
      acme.promises.writeRelationships(v1.WriteRelationshipsRequest.create({ updates: [touch(owner)] })),
    );
    expect(noExpiration?.details).toMatch(/with an expiration does not fit; the schema allows `user`/);
    expect((await http.readRelationships("acme", { subject: "user:dan" })).relationships).toEqual([]);
  });

  it("exports and imports in bulk with caveats and expirations intact, and watches a touch that replaces them", async () => {
    const exported = await acme.promises.exportBulkRelationships(
      v1.ExportBulkRelationshipsRequest.create({ optionalRelationshipFilter: docs }),
    );
    const relationships = exported.flatMap((batch) => batch.relationships);
    expect(relationships.map(withTraits)).toEqual(expected);
    const imported = await new Promise<v1.ImportBulkRelationshipsResponse>((resolve, reject) => {
      const stream = globex.importBulkRelationships((error, response) =>
        error ? reject(error) : resolve(response as v1.ImportBulkRelationshipsResponse),
      );
      stream.write(v1.ImportBulkRelationshipsRequest.create({ relationships }));
      stream.end();
    });
    expect(imported.numLoaded).toBe("3");
    expect((await http.readRelationships("globex")).relationships.map((r) => r.relationship)).toEqual(
      expected,
    );

    const head = await globex.promises.readRelationships(
      v1.ReadRelationshipsRequest.create({
        relationshipFilter: docs,
        consistency: v1.Consistency.create({
          requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
        }),
      }),
    );
    const seen: string[] = [];
    const stream = globex.watch(
      v1.WatchRequest.create({
        optionalStartCursor: head[0]?.readAt,
        optionalUpdateKinds: [v1.WatchKind.INCLUDE_RELATIONSHIP_UPDATES],
      }),
    );
    const done = new Promise<void>((resolve) => {
      stream.on("data", (response: v1.WatchResponse) => {
        for (const u of response.updates)
          seen.push(`${u.operation === DELETE ? "delete" : "touch"} ${withTraits(u.relationship)}`);
        if (seen.length >= 2) resolve();
      });
    });
    stream.on("error", () => undefined);
    await globex.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({ updates: [touch(caveated("user:ann", { level: 5 }))] }),
    );
    await globex.promises.writeRelationships(
      v1.WriteRelationshipsRequest.create({
        updates: [update(DELETE, rel("document:one", "viewer", "user:cat"))],
      }),
    );
    await done;
    stream.cancel();
    // The touch that replaced ann's context is one TOUCH, as SpiceDB reports it.
    expect(seen).toEqual([
      'touch document:one#viewer@user:ann[on_level:{"level":5}]',
      "delete document:one#viewer@user:cat[expiration:2300-06-01T12:00:00Z]",
    ]);
  });
});
