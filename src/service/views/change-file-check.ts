import { type Static, Type } from "@sinclair/typebox";
import { Nullable } from "./fields.js";

/** A change file checked without proposing it: what it would propose, or every problem with its place. */
export const ChangeFileCheckView = Type.Object({
  ok: Type.Boolean(),
  tenant: Type.String(),
  /** Null when the file is too broken to say. */
  intent: Nullable(Type.String()),
  writes: Type.Integer(),
  deletes: Type.Integer(),
  deleteWhere: Type.Integer(),
  schema: Type.Boolean({ description: "the file brings a new schema" }),
  problems: Type.Array(
    Type.Object({
      message: Type.String(),
      line: Nullable(Type.Integer({ description: "1-based" })),
      column: Nullable(Type.Integer({ description: "1-based" })),
      field: Nullable(Type.String()),
    }),
  ),
});
export type ChangeFileCheckView = Static<typeof ChangeFileCheckView>;
