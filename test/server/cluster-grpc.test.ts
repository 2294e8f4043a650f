import { once } from "node:events";
import { v1 } from "@authzed/authzed-node";
import { type ClientReadableStream, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdersOf } from "../../src/cluster/placement.js";
import { grpcHopTarget } from "../../src/spicedb/cluster-calls.js";
import { obj, rel, subj, touch } from "../spicedb/grpc-server.js";
import { clientOf, type ServeProcess, startServe, stopServe } from "../spicedb/serve-process.js";
import { createTokenSecret } from "../support/cli.js";
import { signedHop } from "../support/cluster-hop.js";
import { postgresUrlForTest } from "../support/postgres.js";
import { clusterNodeFlags } from "../support/serve-process.js";

/**
 * SpiceDB's gRPC door on three `gatehouse serve --cluster` processes on one PostgreSQL: a call
 * for a tenant another node holds is answered by that node (the `x-gatehouse-node` response
 * header says which), with the same answers and errors as asked there directly, streams
 * included; a ZedToken from a write through one node is read-your-writes through another; and a
 * holder that is killed leaves its tenants answered by the node asked.
 */
const target = await postgresUrlForTest("cluster_grpc");

const IDS = ["node-1", "node-2", "node-3"];
const TENANTS = Array.from({ length: 6 }, (_, i) => `g${i}`);
const SCHEMA =
  "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}\n";

type Client = ReturnType<typeof v1.NewClient>;
interface Answered<T> {
  answer: T;
  /** The node that answered (`x-gatehouse-node`). */
  node: string | undefined;
}

function metadataOf(tenant: string, extra: Record<string, string> = {}): Metadata {
  const metadata = new Metadata();
  metadata.set("gatehouse-tenant", tenant);
  for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
  return metadata;
}

const nodeOf = (metadata: Metadata) => metadata.get("x-gatehouse-node")[0] as string | undefined;

/** A unary call with metadata, through the client's callback form, which shows the response headers. */
function unary<T>(
  client: Client,
  method: string,
  request: object,
  tenant: string,
  extra: Record<string, string> = {},
): Promise<Answered<T>> {
  return new Promise((resolve, reject) => {
    let node: string | undefined;
    const call = (client as any)[method](
      request,
      metadataOf(tenant, extra),
      (error: ServiceError, answer: T) =>
        error ? reject(Object.assign(error, { node })) : resolve({ answer, node }),
    );
    call.on("metadata", (metadata: Metadata) => {
      node = nodeOf(metadata);
    });
  });
}

/** Every message of a server stream, and the node that answered. */
function streamed<T>(
  client: Client,
  method: string,
  request: object,
  tenant: string,
): Promise<Answered<T[]>> {
  return new Promise((resolve, reject) => {
    let node: string | undefined;
    const answers: T[] = [];
    const stream = (client as any)[method](request, metadataOf(tenant)) as ClientReadableStream<T>;
    stream.on("metadata", (metadata: Metadata) => {
      node = nodeOf(metadata);
    });
    stream.on("data", (message: T) => answers.push(message));
    stream.on("error", (error) => reject(Object.assign(error, { node })));
    stream.on("end", () => resolve({ answer: answers, node }));
  });
}

const checkRequest = (doc: string, consistency?: v1.Consistency) =>
  v1.CheckPermissionRequest.create({
    resource: obj("document", doc),
    permission: "view",
    subject: subj("user", "ann"),
    consistency:
      consistency ??
      v1.Consistency.create({ requirement: { oneofKind: "fullyConsistent", fullyConsistent: true } }),
  });
const HAS = v1.CheckPermissionResponse_Permissionship.HAS_PERMISSION;
const CHECK_PATH = "/authzed.api.v1.PermissionsService/CheckPermission";

describe.skipIf(target.skip)(
  `the SpiceDB door on three cluster nodes${target.skip ? ` (skipped: ${target.reason})` : ""}`,
  () => {
    const nodes = new Map<string, ServeProcess>();
    const clients = new Map<string, Client>();
    let token: string;
    let placed: Record<string, string[]>;

    const client = (id: string) => clients.get(id)!;
    const holder = (tenant: string) => placed[tenant]![0]!;
    /** A node that does not hold the tenant. */
    const other = (tenant: string) => IDS.find((id) => id !== holder(tenant) && nodes.has(id))!;
    /** Asks node `asked` whether ann may view the tenant's document (she may); the node that answered. */
    const grantedVia = async (asked: string, tenant: string, extra: Record<string, string> = {}) => {
      const { answer, node } = await unary<v1.CheckPermissionResponse>(
        client(asked),
        "checkPermission",
        checkRequest(tenant),
        tenant,
        extra,
      );
      expect(answer.permissionship).toBe(HAS);
      return node;
    };
    const placement = async (id: string) =>
      (await (
        await fetch(`${nodes.get(id)!.http}/v1/cluster/placement`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as {
        nodes: { id: string; live: boolean; grpcUrl: string | null }[];
        tenants: Record<string, string[]>;
      };

    beforeAll(async () => {
      const store = target.url!;
      token = createTokenSecret(store, "app", "admin");
      const started = await Promise.all(
        IDS.map((id) => startServe(["--store", store, "serve", ...clusterNodeFlags(id)])),
      );
      for (const [i, id] of IDS.entries()) {
        nodes.set(id, started[i]!);
        clients.set(id, clientOf(started[i]!, token));
      }
      await client("node-1").promises.writeSchema(v1.WriteSchemaRequest.create({ schema: SCHEMA }));
      for (let i = 0; i < 200; i++) {
        const views = await Promise.all(IDS.map(placement));
        if (views.every((view) => view.nodes.filter((n) => n.live && n.grpcUrl !== null).length === 3)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Tenants are listed in the placement once they exist: the first writes go where the placement puts them.
      placed = Object.fromEntries(
        TENANTS.map((tenant) => [
          tenant,
          holdersOf(
            tenant,
            IDS.map((id) => ({ id })),
            1,
          ).map((n) => n.id),
        ]),
      );
      for (const tenant of TENANTS) {
        await unary(
          client(holder(tenant)),
          "writeRelationships",
          v1.WriteRelationshipsRequest.create({
            updates: [touch(rel(`document:${tenant}`, "viewer", "user:ann"))],
          }),
          tenant,
        );
      }
      placed = (await placement("node-1")).tenants;
    }, 60_000);

    afterAll(async () => {
      for (const c of clients.values()) c.close();
      for (const node of nodes.values()) await stopServe(node);
      await target.drop?.();
    });

    it("every node advertises its gRPC door, and a check through any node is answered by the tenant's holder", async () => {
      const view = await placement("node-2");
      for (const node of view.nodes) expect(node.grpcUrl).toMatch(/^grpc:\/\/127\.0\.0\.1:\d+$/);
      expect(
        Object.keys(placed)
          .filter((t) => TENANTS.includes(t))
          .sort(),
      ).toEqual(TENANTS);
      for (const tenant of TENANTS)
        for (const asked of IDS) expect(await grantedVia(asked, tenant)).toBe(holder(tenant));
      // Already forwarded once (a hop a node signed): answered where it lands. A hop the caller
      // made itself counts for nothing: the call goes to the holder.
      const tenant = TENANTS[0]!;
      const hop = await signedHop(target.url!, grpcHopTarget(CHECK_PATH, tenant));
      expect(await grantedVia(other(tenant), tenant, hop)).toBe(other(tenant));
      expect(await grantedVia(other(tenant), tenant, { "x-gatehouse-forwarded-by": "test" })).toBe(
        holder(tenant),
      );
      // Signed for another tenant: not this call's.
      const elsewhere = await signedHop(target.url!, grpcHopTarget(CHECK_PATH, TENANTS[1]!));
      expect(await grantedVia(other(tenant), tenant, elsewhere)).toBe(holder(tenant));
      // Store-wide calls are answered by the node asked.
      const schema = await unary<v1.ReadSchemaResponse>(
        client(other(tenant)),
        "readSchema",
        v1.ReadSchemaRequest.create(),
        tenant,
      );
      expect(schema.answer.schemaText).toBe(SCHEMA);
      expect(schema.node).toBe(other(tenant));
    });

    it("gives the same errors forwarded as direct; an unknown token is refused by the node asked", async () => {
      const tenant = TENANTS[1]!;
      const bad = v1.CheckPermissionRequest.create({
        ...checkRequest(tenant),
        resource: obj("folder", "x"),
      });
      const failure = (call: Promise<unknown>) =>
        call.then(
          () => undefined,
          (error: ServiceError & { node?: string }) => ({
            code: error.code,
            details: error.details,
            node: error.node,
          }),
        );
      const direct = await failure(unary(client(holder(tenant)), "checkPermission", bad, tenant));
      const forwarded = await failure(unary(client(other(tenant)), "checkPermission", bad, tenant));
      expect(direct?.code).toBe(status.FAILED_PRECONDITION);
      expect(direct?.details).toMatch(/folder/);
      expect(forwarded).toEqual(direct);
      expect(forwarded?.node).toBe(holder(tenant));
      const stranger = v1.NewClient(
        "gh_not-a-real-token",
        nodes.get(other(tenant))!.grpc,
        v1.ClientSecurity.INSECURE_PLAINTEXT_CREDENTIALS,
      );
      try {
        const refused = await failure(unary(stranger, "checkPermission", checkRequest(tenant), tenant));
        expect(refused?.code).toBe(status.UNAUTHENTICATED);
        expect(refused?.node).toBeUndefined();
      } finally {
        stranger.close();
      }
    });

    it("reads a write through one node at its ZedToken through another, forwarded or not", async () => {
      for (const tenant of TENANTS.slice(0, 3)) {
        const writer = other(tenant);
        const written = await unary<v1.WriteRelationshipsResponse>(
          client(writer),
          "writeRelationships",
          v1.WriteRelationshipsRequest.create({
            updates: [touch(rel(`document:ryw-${tenant}`, "viewer", "user:ann"))],
          }),
          tenant,
        );
        expect(written.node).toBe(holder(tenant));
        const atLeast = v1.Consistency.create({
          requirement: { oneofKind: "atLeastAsFresh", atLeastAsFresh: written.answer.writtenAt! },
        });
        for (const reader of IDS) {
          const hop = await signedHop(target.url!, grpcHopTarget(CHECK_PATH, tenant));
          for (const extra of [{}, hop] as Record<string, string>[]) {
            const read = await unary<v1.CheckPermissionResponse>(
              client(reader),
              "checkPermission",
              checkRequest(`ryw-${tenant}`, atLeast),
              tenant,
              extra,
            );
            expect(read.answer.permissionship).toBe(HAS);
            expect(
              Buffer.from(read.answer.checkedAt!.token, "base64url").readBigUInt64BE(1),
            ).toBeGreaterThanOrEqual(
              Buffer.from(written.answer.writtenAt!.token, "base64url").readBigUInt64BE(1),
            );
          }
        }
      }
    });

    it("streams LookupResources and ReadRelationships from the holder, the same as asked there", async () => {
      const tenant = TENANTS[2]!;
      const lookup = v1.LookupResourcesRequest.create({
        resourceObjectType: "document",
        permission: "view",
        subject: subj("user", "ann"),
        consistency: v1.Consistency.create({
          requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
        }),
      });
      /** The stream asked of the holder and of another node: the same object ids, the holder answering both. */
      const same = async <T>(method: string, request: object, idOf: (answer: T) => string | undefined) => {
        const direct = await streamed<T>(client(holder(tenant)), method, request, tenant);
        const forwarded = await streamed<T>(client(other(tenant)), method, request, tenant);
        const ids = (answers: T[]) => answers.map(idOf).sort();
        expect(ids(direct.answer)).toContain(tenant);
        expect(ids(forwarded.answer)).toEqual(ids(direct.answer));
        expect(forwarded.node).toBe(holder(tenant));
      };
      await same<v1.LookupResourcesResponse>("lookupResources", lookup, (a) => a.resourceObjectId);
      const read = v1.ReadRelationshipsRequest.create({
        relationshipFilter: v1.RelationshipFilter.create({ resourceType: "document" }),
        consistency: v1.Consistency.create({
          requirement: { oneofKind: "fullyConsistent", fullyConsistent: true },
        }),
      });
      await same<v1.ReadRelationshipsResponse>(
        "readRelationships",
        read,
        (a) => a.relationship?.resource?.objectId,
      );
    });

    it("measures a forwarded check against a direct one (logged, not asserted)", async () => {
      const tenant = TENANTS[3]!;
      const request = checkRequest(
        tenant,
        v1.Consistency.create({ requirement: { oneofKind: "minimizeLatency", minimizeLatency: true } }),
      );
      const direct: number[] = [];
      const forwarded: number[] = [];
      for (let i = 0; i < 300; i++) {
        for (const [asked, into] of [
          [holder(tenant), direct],
          [other(tenant), forwarded],
        ] as const) {
          const started = performance.now();
          await unary(client(asked), "checkPermission", request, tenant);
          into.push(performance.now() - started);
        }
      }
      const p = (values: number[], q: number) => values.sort((a, b) => a - b)[Math.floor(values.length * q)]!;
      const { loadavg } = await import("node:os");
      console.log(
        `cluster gRPC check, 300 each alternately: direct p50 ${p(direct, 0.5).toFixed(2)} ms p99 ${p(direct, 0.99).toFixed(2)} ms; forwarded p50 ${p(forwarded, 0.5).toFixed(2)} ms p99 ${p(forwarded, 0.99).toFixed(2)} ms; load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}`,
      );
      expect(direct).toHaveLength(300);
    });

    it("answers Watch where it is asked, with the writes made through the tenant's holder", async () => {
      const tenant = TENANTS[4]!;
      const asked = other(tenant);
      const stream = (client(asked) as any).watch(
        v1.WatchRequest.create({ optionalObjectTypes: ["document"] }),
        metadataOf(tenant),
      ) as ClientReadableStream<v1.WatchResponse>;
      let node: string | undefined;
      stream.on("metadata", (metadata: Metadata) => {
        node = nodeOf(metadata);
      });
      const seen = new Promise<string[]>((resolve, reject) => {
        stream.on("data", (message: v1.WatchResponse) => {
          const ids = message.updates.map((u) => u.relationship?.resource?.objectId ?? "");
          if (ids.length > 0) resolve(ids);
        });
        stream.on("error", (error) => {
          if ((error as ServiceError).code !== status.CANCELLED) reject(error);
        });
      });
      try {
        // The watch starts at the head when it arrives: wait for its headers before writing.
        for (let i = 0; i < 100 && node === undefined; i++) await new Promise((r) => setTimeout(r, 50));
        await unary(
          client(holder(tenant)),
          "writeRelationships",
          v1.WriteRelationshipsRequest.create({
            updates: [touch(rel("document:watched", "viewer", "user:ann"))],
          }),
          tenant,
        );
        expect(await seen).toEqual(["watched"]);
        expect(node).toBe(asked);
      } finally {
        stream.cancel();
      }
    });

    it("a holder killed: its tenants' calls are answered by the node asked, at once", async () => {
      const victim = holder(TENANTS[0]!);
      const its = TENANTS.filter((tenant) => holder(tenant) === victim);
      const killed = nodes.get(victim)!;
      killed.process.kill("SIGKILL");
      await once(killed.process, "exit");
      clients.get(victim)!.close();
      clients.delete(victim);
      nodes.delete(victim);
      for (const tenant of its) {
        const asked = IDS.find((id) => id !== victim)!;
        expect(await grantedVia(asked, tenant)).not.toBe(victim);
        const lookup = await streamed<v1.LookupResourcesResponse>(
          client(asked),
          "lookupResources",
          v1.LookupResourcesRequest.create({
            resourceObjectType: "document",
            permission: "view",
            subject: subj("user", "ann"),
          }),
          tenant,
        );
        expect(lookup.answer.map((a) => a.resourceObjectId)).toContain(tenant);
      }
    });
  },
);
