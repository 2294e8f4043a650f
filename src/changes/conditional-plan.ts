import type { AccessCondition, AccessDiff, AccessRow } from "../engine/access-diff.js";
import { permissionsOf } from "../engine/access-diff.js";
import { type CheckAnswer, checkAnswerOf } from "../engine/check-answer.js";
import type { DataIndex } from "../engine/data-index.js";
import { Evaluator } from "../engine/evaluator.js";
import { explainCheck } from "../engine/explain.js";
import type { ExplainNode } from "../engine/explain-node.js";
import { resolveSubject } from "../engine/subject.js";
import type { SubjectRef } from "../model/relationship.js";
import type { CompiledSchema, MemberDef } from "../schema/compiled.js";

/**
 * Plans over caveated or expiring data. There a relationship grants yes, no or only under a
 * condition, and the two-valued subject sets the plan otherwise diffs cannot tell these apart
 * (a caveated grant would count as a plain one, an expired relationship as granting). So for
 * such a tenant every (object, permission, subject) the change can reach is answered with the
 * three-valued check before and after the delta, as the engine answers it, and the rows are
 * the answers that differ.
 *
 * Decided here: a conditional gain is a gain (guards count it); a change from unconditional to
 * conditional access is a *loss* of unconditional access (a lost row with `stillConditional`); a
 * change from conditional to unconditional is a gain; a change of condition (another caveat or
 * context) is a loss of the old conditional access and a gain of the new one. Deleting an expired
 * relationship changes no answer, so it is no loss.
 */

/** The subject id standing for every subject of a type the data never names (wildcards). */
const UNSEEN = "\u0000unseen";

/** Whether the tenant's plan must be three-valued: some edge, or some write, carries a condition. */
export function needsConditionalPlan(data: DataIndex, writesCarryConditions: boolean): boolean {
  return writesCarryConditions || data.conditionCount > 0;
}

/** The checks a conditional plan asks, in parallel arrays, fixed before the delta is applied. */
export interface ConditionalQuestions {
  readonly objects: number[];
  /** Permission names: a model change may add or remove one (absent from a schema: no access). */
  readonly permissions: string[];
  readonly subjects: SubjectRef[];
}

/**
 * Every permission of every object in `region`, for every object that can hold access other
 * than through a wildcard, and one unseen subject per type with a wildcard. Only an object that
 * some relationship names as its subject (the reverse index, or one of `written`, the subjects of
 * relationships a delta adds), or under `use self` an object of the region, can: any other
 * subject is granted exactly what the unseen one is, so the unseen one answers for all of them.
 */
export function conditionalQuestions(
  data: DataIndex,
  schemas: readonly CompiledSchema[],
  region: Iterable<number>,
  written: Iterable<number> = [],
): ConditionalQuestions {
  const objects = [...region];
  // Under `self` an object of the region holds access as itself; otherwise an object no
  // relationship names is granted what the unseen subject is, and asking it too would multiply
  // the checks by the region's size (measured: 1,000 documents × 20 users, 72 s against 0.9 s).
  const selfGrants = schemas.some((schema) => schema.features.has("self"));
  const named = new Set<number>([...(selfGrants ? objects : []), ...written]);
  for (let o = 0; o < data.objectKeys.length; o++) if (data.reverse.has(o)) named.add(o);
  const subjects: SubjectRef[] = [];
  for (const o of [...named].sort((a, b) => a - b)) {
    const id = data.idOf(o);
    if (id !== "*") subjects.push({ type: data.typeNameOf(o), id });
  }
  for (let t = 0; t < data.typeNames.length; t++)
    if ((data.wildcardOf[t] ?? -1) >= 0) subjects.push({ type: data.typeNames[t]!, id: UNSEEN });
  const questions: ConditionalQuestions = { objects: [], permissions: [], subjects: [] };
  for (const object of objects) {
    const names = new Set<string>();
    for (const schema of schemas)
      for (const p of permissionsOf(schema.typesByName.get(data.typeNameOf(object)))) names.add(p.name);
    for (const permission of [...names].sort()) {
      for (const subject of subjects) {
        questions.objects.push(object);
        questions.permissions.push(permission);
        questions.subjects.push(subject);
      }
    }
  }
  return questions;
}

const NO_ACCESS: CheckAnswer = { permissionship: "no_permission", missing: [] };

/** The permission `name` of the object's type in `schema`, if it has one. */
export function permissionIn(
  schema: CompiledSchema,
  data: DataIndex,
  object: number,
  name: string,
): MemberDef | undefined {
  const member = schema.typesByName.get(data.typeNameOf(object))?.members.get(name);
  return member?.kind === "permission" ? member : undefined;
}

/** The three-valued answers to the questions on the data as it is now, under the evaluator's schema. */
export function answerConditionally(evaluator: Evaluator, questions: ConditionalQuestions): CheckAnswer[] {
  const data = evaluator.data;
  return questions.objects.map((object, i) => {
    const member = permissionIn(evaluator.schema, data, object, questions.permissions[i]!);
    if (member === undefined) return NO_ACCESS;
    return checkAnswerOf(evaluator.decide(object, member, resolveSubject(data, questions.subjects[i]!)));
  });
}

/** What a row needs to say why and until when: the explain tree of an answer, at a time. */
interface Explaining {
  readonly schema: CompiledSchema;
  readonly data: DataIndex;
  readonly nowMs: number;
}

function explainAt(
  at: Explaining,
  ms: number,
  object: number,
  name: string,
  subject: SubjectRef,
): ExplainNode {
  const evaluator = new Evaluator(at.schema, at.data, { now: () => ms });
  const member = permissionIn(at.schema, at.data, object, name)!;
  return explainCheck(evaluator, object, member, resolveSubject(at.data, subject));
}

/** The caveats still undecided in an explained conditional answer, each with its relationship's context. */
function conditionOf(tree: ExplainNode, missing: readonly string[]): AccessCondition {
  const caveats = new Map<string, { name: string; context?: Record<string, unknown> }>();
  const visit = (node: ExplainNode) => {
    if (node.step === "caveat" && node.caveat !== undefined && node.caveat.result === "conditional") {
      const context = node.caveat.context;
      const entry =
        Object.keys(context).length === 0 ? { name: node.caveat.name } : { name: node.caveat.name, context };
      caveats.set(JSON.stringify(entry), entry);
    }
    for (const child of node.children) visit(child);
  };
  visit(tree);
  return { caveats: [...caveats.values()], missing: [...missing] };
}

const EXPIRES_AT = "expires at ";

/**
 * When a granting or conditional answer stops being what it is now because relationships expire:
 * the first expiration time in its proof after which the check answers otherwise. An access
 * granted twice, once by an expiring relationship, does not end then: the answer at that time is
 * the same, and the walk goes on with the proof as of then. `undefined`: it does not end by time.
 */
export function endsAt(
  at: Explaining,
  object: number,
  name: string,
  subject: SubjectRef,
  answer: CheckAnswer,
): string | undefined {
  const member = permissionIn(at.schema, at.data, object, name)!;
  let ms = at.nowMs;
  for (;;) {
    const tree = explainAt(at, ms, object, name, subject);
    let next: string | undefined;
    const visit = (node: ExplainNode) => {
      if (node.step === "expiration" && node.label.startsWith(EXPIRES_AT)) {
        const time = node.label.slice(EXPIRES_AT.length);
        if (Date.parse(time) > ms && (next === undefined || Date.parse(time) < Date.parse(next))) next = time;
      }
      for (const child of node.children) visit(child);
    };
    visit(tree);
    if (next === undefined) return undefined;
    ms = Date.parse(next);
    const evaluator = new Evaluator(at.schema, at.data, { now: () => ms });
    const then = checkAnswerOf(evaluator.decide(object, member, resolveSubject(at.data, subject)));
    if (then.permissionship !== answer.permissionship || then.missing.join() !== answer.missing.join())
      return next;
  }
}

/** The rows one question's move makes, with `subject` for the subject. */
function rowsOf(
  base: AccessRow,
  before: CheckAnswer,
  after: CheckAnswer,
  why: (when: "before" | "after") => AccessCondition,
  until: () => string | undefined,
): { gained: AccessRow[]; lost: AccessRow[] } {
  const out = { gained: [] as AccessRow[], lost: [] as AccessRow[] };
  const b = before.permissionship;
  const a = after.permissionship;
  const gain = (row: AccessRow) => {
    const ends = until();
    out.gained.push(ends === undefined ? row : { ...row, until: ends });
  };
  if (b === a && b !== "conditional") return out;
  if (b === "conditional" && a === "conditional") {
    const was = why("before");
    const is = why("after");
    if (JSON.stringify(was) === JSON.stringify(is)) return out;
    out.lost.push({ ...base, conditional: was });
    gain({ ...base, conditional: is });
    return out;
  }
  if (a === "has_permission") gain(b === "conditional" ? { ...base, wasConditional: why("before") } : base);
  else if (a === "conditional") {
    if (b === "has_permission") out.lost.push({ ...base, stillConditional: why("after") });
    else gain({ ...base, conditional: why("after") });
  } else out.lost.push(b === "conditional" ? { ...base, conditional: why("before") } : base);
  return out;
}

/**
 * The rows one question's move makes (its subject shown as `shown`), explained as before and
 * after the change; called while the delta is applied. Userset subjects' rows are made so too.
 */
export function questionRows(
  input: Omit<ConditionalDiffInput, "questions" | "before">,
  object: number,
  permission: string,
  subject: SubjectRef,
  b: CheckAnswer,
  a: CheckAnswer,
  shown: string,
  explainingAfter: Explaining = { schema: input.schemaAfter, data: input.data, nowMs: input.nowMs },
): { gained: AccessRow[]; lost: AccessRow[] } {
  const base: AccessRow = {
    tenant: input.tenant,
    resource: input.data.objectKeys.get(object),
    permission,
    subject: shown,
  };
  return rowsOf(
    base,
    b,
    a,
    (when) =>
      when === "before"
        ? conditionOf(input.explainBefore(object, permission, subject), b.missing)
        : conditionOf(explainAt(explainingAfter, input.nowMs, object, permission, subject), a.missing),
    () => endsAt(explainingAfter, object, permission, subject, a),
  );
}

/** The schemas and data before and after, to explain rows with (the delta is applied while `after` runs). */
export interface ConditionalDiffInput {
  readonly tenant: string;
  readonly data: DataIndex;
  readonly schemaBefore: CompiledSchema;
  readonly schemaAfter: CompiledSchema;
  readonly nowMs: number;
  readonly questions: ConditionalQuestions;
  readonly before: readonly CheckAnswer[];
  /** Explains a "before" answer: called while the delta is applied, so it takes it out and back. */
  readonly explainBefore: (object: number, permission: string, subject: SubjectRef) => ExplainNode;
  /**
   * Explains many "before" answers at once, for `explainBefore` to give back: the delta comes
   * out once for all of them rather than once a row (a region's worth of toggles was most of a
   * caveated plan's time).
   */
  readonly prepareBefore?: (
    questions: readonly { object: number; permission: string; subject: SubjectRef }[],
  ) => void;
}

/**
 * The rows of a conditional plan, called while the delta is applied (so "after" is the data as
 * it is). A type's unseen subject moving gives its wildcard row (`user:*`); the subjects of that
 * type that move otherwise are its exceptions, and have their own rows when they move at all.
 */
export function conditionalDiff(input: ConditionalDiffInput, after: readonly CheckAnswer[]): AccessDiff {
  const { data, questions } = input;
  const diff: AccessDiff = { gained: [], lost: [] };
  const explainingAfter: Explaining = { schema: input.schemaAfter, data, nowMs: input.nowMs };
  // Every row whose "before" answer is conditional explains it: all of them at once.
  input.prepareBefore?.(
    questions.objects.flatMap((object, i) =>
      input.before[i]!.permissionship === "conditional"
        ? [{ object, permission: questions.permissions[i]!, subject: questions.subjects[i]! }]
        : [],
    ),
  );
  // Questions come in runs of one (object, permission), subject by subject: settle each run.
  let start = 0;
  while (start < questions.objects.length) {
    let end = start;
    while (
      end < questions.objects.length &&
      questions.objects[end] === questions.objects[start] &&
      questions.permissions[end] === questions.permissions[start]
    )
      end++;
    const object = questions.objects[start]!;
    const permission = questions.permissions[start]!;
    const moves = new Map<number, { gained: AccessRow[]; lost: AccessRow[]; shape: string }>();
    for (let i = start; i < end; i++) {
      const b = input.before[i]!;
      const a = after[i]!;
      if (b.permissionship === a.permissionship && b.permissionship !== "conditional") continue;
      const subject = questions.subjects[i]!;
      const rows = questionRows(input, object, permission, subject, b, a, "", explainingAfter);
      if (rows.gained.length === 0 && rows.lost.length === 0) continue;
      moves.set(i, { ...rows, shape: JSON.stringify(rows) });
    }
    const unseenShape = new Map<string, string>();
    for (const [i, move] of moves)
      if (questions.subjects[i]!.id === UNSEEN) unseenShape.set(questions.subjects[i]!.type, move.shape);
    const except = new Map<string, string[]>();
    for (let i = start; i < end; i++) {
      const subject = questions.subjects[i]!;
      const wildcard = unseenShape.get(subject.type);
      const move = moves.get(i);
      if (subject.id === UNSEEN) {
        if (move === undefined) continue;
        const text = `${subject.type}:*`;
        const list = except.get(subject.type) ?? [];
        except.set(subject.type, list);
        for (const row of move.gained) diff.gained.push({ ...row, subject: text, except: list });
        for (const row of move.lost) diff.lost.push({ ...row, subject: text, except: list });
        continue;
      }
      const text = `${subject.type}:${subject.id}`;
      if (wildcard !== undefined && move?.shape === wildcard) continue;
      if (wildcard !== undefined)
        (except.get(subject.type) ?? except.set(subject.type, []).get(subject.type)!).push(text);
      if (move === undefined) continue;
      for (const row of move.gained) diff.gained.push({ ...row, subject: text });
      for (const row of move.lost) diff.lost.push({ ...row, subject: text });
    }
    for (const list of except.values()) list.sort();
    start = end;
  }
  return diff;
}
