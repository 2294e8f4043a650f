import { type TSchema, Type } from "@sinclair/typebox";

/** A value or null: the same in the OpenAPI document, the serialiser and `Static<>`. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * A JSON object passed through whole (facts of a deletion, merge or purge; a change's spec):
 * typed as an object, its keys documented where it is produced, never cut by the serialiser.
 */
export const Facts = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description });

/** What a conditional access waits for: the undecided caveats (with their relationship context) and the missing parameters. */
export const AccessConditionView = Type.Object({
  caveats: Type.Array(
    Type.Object({ name: Type.String(), context: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
  ),
  missing: Type.Array(Type.String(), { description: "context parameters a check must give to decide it" }),
});

/** An access row of a plan or report: who gains or loses which permission on what. */
export const AccessRowView = Type.Object({
  tenant: Type.String(),
  resource: Type.String(),
  permission: Type.String(),
  subject: Type.String(),
  except: Type.Optional(Type.Array(Type.String())),
  conditional: Type.Optional(AccessConditionView),
  stillConditional: Type.Optional(AccessConditionView),
  wasConditional: Type.Optional(AccessConditionView),
  until: Type.Optional(Type.String({ description: "when a gained access ends by expiration" })),
});

/** Which schema answered, as every query response says: `{version}` or `{candidate: changeId}`. */
export const SchemaAnswerView = Type.Union([
  Type.Object({ version: Type.Integer() }, { additionalProperties: false }),
  Type.Object({ candidate: Type.Integer() }, { additionalProperties: false }),
]);
