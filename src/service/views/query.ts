import { type Static, Type } from "@sinclair/typebox";
import type { FoundObject, FoundSubject } from "../../engine/lookup.js";
import { formatSubject } from "../../model/relationship.js";
import type { SchemaAnswer } from "../../model/schema-answer.js";
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

export const CheckBatchView = Type.Object({
  results: Type.Array(Type.Boolean()),
  conditional: Type.Optional(
    Type.Array(Type.Union([Type.Array(Type.String()), Type.Null()]), {
      description:
        "present when some answer is conditional: per check (in order), the missing caveat context parameters, or null (its `results` entry is then false)",
    }),
  ),
  ...Answered,
});
export type CheckBatchView = Static<typeof CheckBatchView>;

export const ExplainedCheckView = Type.Object({ allowed: Type.Boolean(), ...Answered, explain: ExplainView });
export type ExplainedCheckView = Static<typeof ExplainedCheckView>;

/** The missing context parameters of a conditional answer. */
const Missing = Type.Array(Type.String(), {
  description: "the caveat context parameters the request did not give, on which the answer depends",
});

export const LookupResourcesView = Type.Object({
  resources: Type.Array(Type.String(), {
    description: "the resources on which the subject has the permission",
  }),
  conditional: Type.Optional(
    Type.Array(Type.Object({ resource: Type.String(), missing: Missing }), {
      description:
        "present when some resources of this page are granted only under a caveat whose context was not given (SpiceDB's CONDITIONAL_PERMISSION): each with the missing parameters; they are not in `resources`",
    }),
  ),
  ...Answered,
  cursor: NextCursor,
});
export type LookupResourcesView = Static<typeof LookupResourcesView>;

const FoundSubjectView = Type.Object({ subject: Type.String(), excluded: Type.Array(Type.String()) });

export const LookupSubjectsView = Type.Object({
  subjects: Type.Array(FoundSubjectView, { description: "the subjects that have the permission" }),
  conditional: Type.Optional(
    Type.Array(Type.Composite([FoundSubjectView, Type.Object({ missing: Missing })]), {
      description:
        "present when some subjects of this page have the permission only under a caveat whose context was not given: each with the missing parameters; they are not in `subjects`",
    }),
  ),
  ...Answered,
  cursor: NextCursor,
});
export type LookupSubjectsView = Static<typeof LookupSubjectsView>;

/** A page of `Gatehouse.lookupResources` as its view: granted and conditional resources apart. */
export function lookupResourcesView(page: {
  resources: readonly FoundObject[];
  revision: number;
  schema: SchemaAnswer;
  cursor: string | null;
}): LookupResourcesView {
  const resources: string[] = [];
  const conditional: { resource: string; missing: string[] }[] = [];
  for (const found of page.resources) {
    const text = `${found.type}:${found.id}`;
    if (found.conditional) conditional.push({ resource: text, missing: [...found.conditional] });
    else resources.push(text);
  }
  const { revision, schema, cursor } = page;
  return conditional.length > 0
    ? { resources, conditional, revision, schema, cursor }
    : { resources, revision, schema, cursor };
}

/** A page of `Gatehouse.lookupSubjects` as its view: granted and conditional subjects apart. */
export function lookupSubjectsView(page: {
  subjects: readonly FoundSubject[];
  revision: number;
  schema: SchemaAnswer;
  cursor: string | null;
}): LookupSubjectsView {
  const subjects: { subject: string; excluded: string[] }[] = [];
  const conditional: { subject: string; excluded: string[]; missing: string[] }[] = [];
  for (const found of page.subjects) {
    const shown = { subject: formatSubject(found.subject), excluded: found.excluded.map(formatSubject) };
    if (found.conditional) conditional.push({ ...shown, missing: [...found.conditional] });
    else subjects.push(shown);
  }
  const { revision, schema, cursor } = page;
  return conditional.length > 0
    ? { subjects, conditional, revision, schema, cursor }
    : { subjects, revision, schema, cursor };
}

/** `Gatehouse.checkBatch`'s answer as its view: the missing parameters per check, null where none. */
export function checkBatchView(result: {
  results: boolean[];
  revision: number;
  schema: SchemaAnswer;
  conditional?: (readonly string[] | undefined)[];
}): CheckBatchView {
  const { conditional, ...answer } = result;
  return conditional ? { ...answer, conditional: conditional.map((c) => (c ? [...c] : null)) } : answer;
}

/** `version:3` or `candidate:12`: the schema that answered, in one header value. */
export function schemaAnswerText(answer: SchemaAnswer): string {
  return "candidate" in answer ? `candidate:${answer.candidate}` : `version:${answer.version}`;
}
