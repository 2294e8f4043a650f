import { type Static, Type } from "@sinclair/typebox";

/** A SpiceDB validation file's run (`POST /v1/validate`; the CLI's `validate` lists one per file). */
export const ValidationReportView = Type.Object({
  ok: Type.Boolean(),
  file: Type.Optional(Type.String()),
  checked: Type.Integer({ description: "assertions and expected subjects evaluated" }),
  failures: Type.Array(
    Type.Object({
      file: Type.Optional(Type.String()),
      line: Type.Integer(),
      column: Type.Integer(),
      message: Type.String(),
    }),
  ),
});
export type ValidationReportView = Static<typeof ValidationReportView>;
