import { type Static, Type } from "@sinclair/typebox";

/** Who made a revision: its actor, door and request id, and how many relationships it changed. */
export const RevisionView = Type.Object({
  revision: Type.Integer(),
  tenant: Type.Union([Type.String(), Type.Null()], {
    description: "null for a store-wide revision (schema)",
  }),
  kind: Type.String({ description: "relationships, schema, change or purge" }),
  actor: Type.Union([Type.String(), Type.Null()]),
  door: Type.Union([Type.String(), Type.Null()], { description: "cli, http, library, change N, spicedb" }),
  requestId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  created: Type.Integer({ description: "relationships this revision made live" }),
  deleted: Type.Integer({ description: "relationships this revision deleted" }),
});
export type RevisionView = Static<typeof RevisionView>;
