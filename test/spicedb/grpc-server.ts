import { v1 } from "@authzed/authzed-node";
import { startGrpc } from "../../src/spicedb/serve-grpc.js";
import { type RunningServer, startServer } from "../support/server.js";

export interface SpicedbDoorUnderTest {
  readonly http: RunningServer;
  readonly grpc: { readonly port: number; close(): Promise<void> };
  readonly endpoint: string;
  /** The unmodified @authzed/authzed-node client, plaintext, with a bearer token. */
  client(token: string): ReturnType<typeof v1.NewClient>;
  close(): Promise<void>;
}

/**
 * A Gatehouse server as `gatehouse serve` runs it (the HTTP API and the SpiceDB gRPC door over
 * one Gatehouse, started by the same `startGrpc`) on free loopback ports.
 */
export async function startDoor(store = ":memory:"): Promise<SpicedbDoorUnderTest> {
  const http = await startServer(store);
  const grpc = await startGrpc(http.gatehouse, http.server, "127.0.0.1", { port: 0, explicit: true });
  if (!grpc) throw new Error("the gRPC door did not start");
  const endpoint = `127.0.0.1:${grpc.port}`;
  const clients: Array<ReturnType<typeof v1.NewClient>> = [];
  return {
    http,
    grpc,
    endpoint,
    client(token) {
      const client = v1.NewClient(token, endpoint, v1.ClientSecurity.INSECURE_PLAINTEXT_CREDENTIALS);
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await grpc.close();
      await http.close();
    },
  };
}

/** The gRPC status code of a failed call (`undefined` when it did not fail). */
export async function codeOf(call: Promise<unknown>): Promise<{ code: number; details: string } | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    const e = error as { code: number; details: string };
    return { code: e.code, details: e.details };
  }
}

export const obj = (objectType: string, objectId: string) =>
  v1.ObjectReference.create({ objectType, objectId });

export const subj = (objectType: string, objectId: string, optionalRelation = "") =>
  v1.SubjectReference.create({ object: obj(objectType, objectId), optionalRelation });

/** `rel("test/document:readme", "viewer", "test/group:eng#member")` */
export function rel(resource: string, relation: string, subject: string): v1.Relationship {
  const [rt, ri] = resource.split(":") as [string, string];
  const [st, rest] = subject.split(":") as [string, string];
  const [si, sr] = rest.split("#") as [string, string | undefined];
  return v1.Relationship.create({ resource: obj(rt, ri), relation, subject: subj(st, si, sr ?? "") });
}

export const update = (operation: v1.RelationshipUpdate_Operation, relationship: v1.Relationship) =>
  v1.RelationshipUpdate.create({ operation, relationship });

export const touch = (r: v1.Relationship) => update(v1.RelationshipUpdate_Operation.TOUCH, r);

/** `document:readme#viewer@user:ann` of a relationship the API returned. */
export function tupleText(r: v1.Relationship | undefined): string {
  const s = r?.subject;
  const relation = s?.optionalRelation ? `#${s.optionalRelation}` : "";
  return `${r?.resource?.objectType}:${r?.resource?.objectId}#${r?.relation}@${s?.object?.objectType}:${s?.object?.objectId}${relation}`;
}
