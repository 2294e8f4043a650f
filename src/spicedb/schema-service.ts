import type { v1 } from "@authzed/authzed-node";
import { GatehouseError } from "../model/errors.js";
import type { SpicedbDoor } from "./door.js";
import type { Call, ServiceHandlers, Unary } from "./rpc.js";
import { SpicedbError } from "./status.js";
import { encodeZedToken } from "./zedtoken.js";

async function readSchema(door: SpicedbDoor, _request: v1.ReadSchemaRequest, call: Call) {
  const { gatehouse } = await door.auth.authorize(call, { role: "check" });
  const version = await gatehouse.readSchema();
  if (!version)
    throw new SpicedbError("NOT_FOUND", "No schema has been defined; please call WriteSchema to start");
  return { schemaText: version.text, readAt: encodeZedToken(gatehouse.revision) };
}

/**
 * WriteSchema goes through Gatehouse's schema door: on a store with relationships it is planned
 * as a `model` change and goes live only when nobody loses access and every guard passes.
 * Otherwise nothing goes live and the call fails with FAILED_PRECONDITION naming the change to
 * approve and apply; the plan's facts travel in the `gatehouse-facts` trailer (JSON).
 */
async function writeSchema(door: SpicedbDoor, request: v1.WriteSchemaRequest, call: Call) {
  const caller = await door.auth.authorize(call, { role: "admin", storeWide: true });
  try {
    const written = await caller.gatehouse.writeSchema(request.schema, {
      actor: caller.token.name,
      reason: "WriteSchema through the SpiceDB API",
      file: "schema",
    });
    return { writtenAt: encodeZedToken(written.revision) };
  } catch (error) {
    if (!(error instanceof GatehouseError) || error.kind !== "refused") throw error;
    const change = error.facts?.change;
    throw new SpicedbError(
      "FAILED_PRECONDITION",
      `WriteSchema was held back by Gatehouse's guards as change ${String(change)}: ${error.message}. Next: \`gatehouse change show ${String(change)}\`, then another person runs \`gatehouse change approve ${String(change)}\` and \`gatehouse change apply ${String(change)}\``,
      error.facts,
    );
  }
}

export function schemaHandlers(door: SpicedbDoor): ServiceHandlers {
  return {
    ReadSchema: ((r, c) => readSchema(door, r, c)) satisfies Unary<v1.ReadSchemaRequest, unknown>,
    WriteSchema: ((r, c) => writeSchema(door, r, c)) satisfies Unary<v1.WriteSchemaRequest, unknown>,
  };
}
