import { type Static, Type } from "@sinclair/typebox";
import { ExplainView } from "./explain.js";
import { SchemaAnswerView } from "./fields.js";

/** The next page's cursor; null on the last page. */
export const NextCursor = Type.Union([Type.String(), Type.Null()]);

/** What every query answer says: the revision it was answered at and the schema that answered. */
const Answered = { revision: Type.Integer(), schema: SchemaAnswerView };

export const CheckView = Type.Object({
  allowed: Type.Boolean(),
  conditional: Type.Optional(
    Type.Array(Type.String(), {
      description:
        "present when the subject has the permission only under a caveat whose context was not given: the missing context parameters (`allowed` is then false)",
    }),
  ),
  ...Answered,
  explain: Type.Optional(ExplainView),
});
export type CheckView = Static<typeof CheckView>;

export const CheckBatchView = Type.Object({ results: Type.Array(Type.Boolean()), ...Answered });
export type CheckBatchView = Static<typeof CheckBatchView>;

export const ExplainedCheckView = Type.Object({ allowed: Type.Boolean(), ...Answered, explain: ExplainView });
export type ExplainedCheckView = Static<typeof ExplainedCheckView>;

export const LookupResourcesView = Type.Object({
  resources: Type.Array(Type.String()),
  ...Answered,
  cursor: NextCursor,
});
export type LookupResourcesView = Static<typeof LookupResourcesView>;

export const LookupSubjectsView = Type.Object({
  subjects: Type.Array(Type.Object({ subject: Type.String(), excluded: Type.Array(Type.String()) })),
  ...Answered,
  cursor: NextCursor,
});
export type LookupSubjectsView = Static<typeof LookupSubjectsView>;
