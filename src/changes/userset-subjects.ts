import { type AccessRow, compareRows, dependents, permissionsOf } from "../engine/access-diff.js";
import { type CheckAnswer, checkAnswerOf } from "../engine/check-answer.js";
import { type DataIndex, iterate } from "../engine/data-index.js";
import { keyObject, keyRelation, sidesOf, stepKey } from "../engine/encodings.js";
import type { Evaluator } from "../engine/evaluator.js";
import type { ResolvedSubject } from "../engine/subject.js";
import type { Relationship } from "../model/relationship.js";
import { arrowTuplesets } from "../schema/arrow-tuplesets.js";
import type { CompiledSchema, Expression, MemberDef } from "../schema/compiled.js";
import { cannotMove, type OneWay } from "./one-way.js";

/**
 * Userset subjects in plans. A check may name a userset as its subject (`check doc:1 view
 * group:eng#member`), and a change can flip such an answer while no plain subject's moves:
 * writing `doc:1#viewer@group:empty#member` gives `group:empty#member` view on doc:1 and nobody
 * else anything. Subject sets (what plans diff) hold plain subjects only, so these are found
 * as candidate questions, asked before and after the change like the plain candidates.
 *
 * Which usersets can move: an answer for `o#m` flips only if some walk from the resource passes
 * through a relationship the change writes or deletes (`x#rel@s`), and then finds the userset
 * below `s`: as a member of an object reached down from `s` (`s` itself among them), named as
 * a userset subject there or met as itself (a userset contains itself). Except under `.all()`:
 * there one target more or less moves the usersets the other targets hold, so a relationship
 * of a relation such an arrow walks is looked below from its resource instead. And only resources
 * that reach `x` (its dependents, the change's region) and permissions that read a touched
 * relation can move. Both graphs are walked, before the change and after it.
 *
 * Not found this way: usersets granted only through a wildcard of their type (`group:*` lets
 * every `group:…#…` in); the wildcard's own row (`group:*`) in the plan stands for them.
 */
export interface UsersetQuestions {
  readonly objects: number[];
  readonly permissions: MemberDef[];
  readonly subjects: ResolvedSubject[];
  /** The subject as text (`group:eng#member`), beside `subjects`. */
  readonly names: string[];
}

/** Per resource type and permission: how many userset answers a change gives and takes. */
export interface UsersetSummaryLine {
  readonly tenant: string;
  readonly resourceType: string;
  readonly permission: string;
  readonly gained: number;
  readonly lost: number;
}

/** What a plan says about userset subjects. */
export interface UsersetRows {
  readonly gained: readonly AccessRow[];
  readonly lost: readonly AccessRow[];
  readonly summary: readonly UsersetSummaryLine[];
}

export const NO_USERSET_ROWS: UsersetRows = { gained: [], lost: [], summary: [] };

/**
 * Collects the questions on the data as it is now; call it on the graph before the change and
 * again after it, into the same `into` (questions already asked are not added twice).
 */
export function collectUsersetQuestions(
  data: DataIndex,
  schema: CompiledSchema,
  touched: readonly Relationship[],
  affected: ReadonlySet<string>,
  into: UsersetCollector,
): void {
  // Many relationships of a change share a subject or a resource: each is walked once.
  const usersetsBelow = new Map<string, Map<string, ResolvedSubject>>();
  const conjunctive = arrowTuplesets(schema, "all");
  const resourcesAbove = new Map<number, Set<number>>();
  const paired = new Set<string>();
  for (const r of touched) {
    const resource = data.objectOf(r.resource.type, r.resource.id);
    const subject = data.objectOf(r.subject.type, r.subject.id);
    if (resource === undefined || subject === undefined) continue;
    const own = r.subject.relation;
    const pair = `${resource} ${r.relation} ${subject}${own === undefined ? "" : `#${own}`}`;
    if (paired.has(pair)) continue;
    paired.add(pair);
    // Under `.all()`, adding or removing one target moves every userset the other targets
    // hold: walk from every member of the resource (which reaches every target) instead.
    const all = conjunctive.has(`${r.resource.type}#${r.relation}`);
    const from = all ? `all ${resource}` : `${subject}#${own ?? ""} ${r.resource.type}#${r.relation}`;
    let usersets = usersetsBelow.get(from);
    if (usersets === undefined) {
      const starts: Step[] = [];
      if (all) {
        const type = schema.typesByName.get(r.resource.type);
        for (const member of type?.members.values() ?? []) starts.push([resource, member]);
      } else {
        const type = schema.typesByName.get(r.subject.type);
        // A userset subject: the walk steps into its relation there.
        if (own !== undefined) {
          const target = type?.members.get(own);
          if (target !== undefined) starts.push([subject, target]);
        }
        // A relation an arrow walks: the walk steps into the arrow's member on the subject.
        for (const computed of arrowMembers(schema, r.resource.type, r.relation, type?.id))
          starts.push([subject, computed]);
      }
      usersets = walkedUsersets(data, schema, starts, into);
      if (own !== undefined) {
        const key = `${subject}#${own}`;
        if (!usersets.has(key)) usersets.set(key, into.resolve(data, subject, own));
      }
      usersetsBelow.set(from, usersets);
    }
    if (usersets.size === 0) continue;
    let above = resourcesAbove.get(resource);
    if (above === undefined) {
      above = dependents(data, [resource]);
      resourcesAbove.set(resource, above);
    }
    for (const object of above) {
      const type = schema.typesByName.get(data.typeNameOf(object));
      for (const permission of permissionsOf(type)) {
        if (!affected.has(`${type!.name}#${permission.name}`)) continue;
        for (const [key, resolved] of usersets) into.add(object, permission, key, resolved);
      }
    }
  }
}

/** One step of a check's walk: a member on an object. */
type Step = [object: number, member: MemberDef];

/** The members that arrows over `type#relation` take on an object of the subject's type. */
function arrowMembers(
  schema: CompiledSchema,
  type: string,
  relation: string,
  subjectType: number | undefined,
): MemberDef[] {
  const out: MemberDef[] = [];
  if (subjectType === undefined) return out;
  const visit = (e: Expression): void => {
    switch (e.op) {
      case "union":
      case "intersection":
        for (const operand of e.operands) visit(operand);
        return;
      case "exclusion":
        visit(e.base);
        visit(e.subtracted);
        return;
      case "arrow": {
        const computed = e.tupleset.name === relation ? e.computedByType.get(subjectType) : undefined;
        if (computed !== undefined && !out.includes(computed)) out.push(computed);
        return;
      }
      default:
        return;
    }
  };
  for (const member of schema.typesByName.get(type)?.members.values() ?? [])
    if (member.kind === "permission") visit(member.expression);
  return out;
}

/**
 * Every userset a check's walk could meet from the given steps down: each step it could take
 * (a member on an object) is a userset that contains itself, and a userset named as a subject of
 * a relation it reads is the next step (or, naming nothing in the schema, met only as itself).
 * The walk's shape alone, whatever the operators: a superset of what any check finds there.
 */
function walkedUsersets(
  data: DataIndex,
  schema: CompiledSchema,
  starts: readonly Step[],
  into: UsersetCollector,
): Map<string, ResolvedSubject> {
  const usersets = new Map<string, ResolvedSubject>();
  const seen = new Set<number>();
  const queue: Step[] = [];
  const push = (object: number, member: MemberDef) => {
    const key = stepKey(object, member.id);
    if (seen.has(key)) return;
    seen.add(key);
    queue.push([object, member]);
  };
  const meet = (object: number, name: string) => {
    const key = `${object}#${name}`;
    if (!usersets.has(key)) usersets.set(key, into.resolve(data, object, name));
  };
  const typeOf = (object: number) => schema.typesByName.get(data.typeNameOf(object));
  const subjectsOf = (object: number, relation: string) =>
    sidesOf(data.edges.entry(object), data.relationId(relation) ?? -1);
  const expression = (object: number, e: Expression): void => {
    switch (e.op) {
      case "ref":
        push(object, e.member);
        return;
      case "union":
      case "intersection":
        for (const operand of e.operands) expression(object, operand);
        return;
      case "exclusion":
        expression(object, e.base);
        expression(object, e.subtracted);
        return;
      case "arrow": {
        const [direct, usersetList] = subjectsOf(object, e.tupleset.name);
        const step = (next: number) => {
          const type = typeOf(next);
          const computed = type === undefined ? undefined : e.computedByType.get(type.id);
          if (computed !== undefined) push(next, computed);
        };
        if (direct !== undefined) for (const next of iterate(direct)) step(next);
        if (usersetList !== undefined) for (const value of iterate(usersetList)) step(keyObject(value));
        return;
      }
      default:
        return;
    }
  };
  for (const [object, member] of starts) push(object, member);
  for (let i = 0; i < queue.length; i++) {
    const [object, member] = queue[i]!;
    meet(object, member.name);
    if (member.kind === "permission") {
      expression(object, member.expression);
      continue;
    }
    const [, usersetList] = subjectsOf(object, member.name);
    if (usersetList === undefined) continue;
    for (const value of iterate(usersetList)) {
      const next = keyObject(value);
      const name = data.relationNames[keyRelation(value)]!;
      const target = typeOf(next)?.members.get(name);
      if (target !== undefined) push(next, target);
      else meet(next, name);
    }
  }
  return usersets;
}

/** Questions gathered subject by subject (so each subject's walk is shared by its checks). */
export class UsersetCollector {
  readonly #bySubject = new Map<string, { resolved: ResolvedSubject; asked: Map<number, MemberDef[]> }>();

  resolve(data: DataIndex, object: number, name: string): ResolvedSubject {
    const known = this.#bySubject.get(`${object}#${name}`);
    if (known) return known.resolved;
    return {
      object,
      relation: data.relationId(name) ?? -2,
      relationName: name,
      wildcard: data.wildcardOf[data.objectTypes[object]!]!,
    };
  }

  add(object: number, permission: MemberDef, key: string, resolved: ResolvedSubject): void {
    let entry = this.#bySubject.get(key);
    if (!entry) {
      entry = { resolved, asked: new Map() };
      this.#bySubject.set(key, entry);
    }
    let permissions = entry.asked.get(object);
    if (!permissions) {
      permissions = [];
      entry.asked.set(object, permissions);
    }
    if (!permissions.includes(permission)) permissions.push(permission);
  }

  questions(data: DataIndex): UsersetQuestions {
    const q: UsersetQuestions = { objects: [], permissions: [], subjects: [], names: [] };
    for (const { resolved, asked } of this.#bySubject.values()) {
      const name = `${data.objectKeys.get(resolved.object)}#${resolved.relationName}`;
      for (const [object, permissions] of asked)
        for (const permission of permissions) {
          q.objects.push(object);
          q.permissions.push(permission);
          q.subjects.push(resolved);
          q.names.push(name);
        }
    }
    return q;
  }
}

/**
 * Answers the questions with an evaluator of the schema on the data as it is. A permission the
 * schema does not have (after a model change) answers no. With `before` and `oneWay`, see below.
 */
export function answerUsersetQuestions(
  evaluator: Evaluator,
  schema: CompiledSchema,
  q: UsersetQuestions,
  before?: readonly boolean[],
  oneWay: OneWay = "either",
): boolean[] {
  const answers: boolean[] = new Array(q.objects.length);
  for (let i = 0; i < q.objects.length; i++) {
    // As for plain subjects: an answer that a one-way change cannot move keeps its value.
    if (before !== undefined && cannotMove(oneWay, before[i]!)) {
      answers[i] = before[i]!;
      continue;
    }
    const permission = q.permissions[i]!;
    const member = schema.typesByName.get(permission.type.name)?.members.get(permission.name);
    answers[i] =
      member !== undefined &&
      member.kind === "permission" &&
      evaluator.check(q.objects[i]!, member, q.subjects[i]!);
  }
  return answers;
}

/**
 * The three-valued answers to the questions (over caveated or expiring data, where a userset may
 * hold a permission only under a condition): as `answerUsersetQuestions`, without the one-way
 * shortcut, since a change that only grants can still turn a conditional answer into a plain one.
 */
export function answerUsersetQuestionsConditionally(
  evaluator: Evaluator,
  schema: CompiledSchema,
  q: UsersetQuestions,
): CheckAnswer[] {
  return q.objects.map((object, i) => {
    const permission = q.permissions[i]!;
    const member = schema.typesByName.get(permission.type.name)?.members.get(permission.name);
    if (member === undefined || member.kind !== "permission")
      return { permissionship: "no_permission", missing: [] };
    return checkAnswerOf(evaluator.decide(object, member, q.subjects[i]!));
  });
}

/** The rows of the answers that moved, sorted, with their summary by type and permission. */
export function usersetRows(
  data: DataIndex,
  tenant: string,
  q: UsersetQuestions,
  before: readonly boolean[],
  after: readonly boolean[],
): UsersetRows {
  return usersetRowsOf(data, tenant, q, (i) => {
    if (before[i] === after[i]) return undefined;
    const row: AccessRow = {
      tenant,
      resource: data.objectKeys.get(q.objects[i]!),
      permission: q.permissions[i]!.name,
      subject: q.names[i]!,
    };
    return after[i] ? { gained: [row], lost: [] } : { gained: [], lost: [row] };
  });
}

/**
 * The rows of the three-valued answers that moved, made by `rowsOf` (conditional-plan.ts's
 * `questionRows`: which caveat, with which context, until when), with their summary.
 */
export function conditionalUsersetRows(
  data: DataIndex,
  tenant: string,
  q: UsersetQuestions,
  before: readonly CheckAnswer[],
  after: readonly CheckAnswer[],
  rowsOf: (
    i: number,
    before: CheckAnswer,
    after: CheckAnswer,
  ) => { gained: readonly AccessRow[]; lost: readonly AccessRow[] },
): UsersetRows {
  return usersetRowsOf(data, tenant, q, (i) => {
    const b = before[i]!;
    const a = after[i]!;
    if (b.permissionship === a.permissionship && b.permissionship !== "conditional") return undefined;
    return rowsOf(i, b, a);
  });
}

function usersetRowsOf(
  data: DataIndex,
  tenant: string,
  q: UsersetQuestions,
  moved: (i: number) => { gained: readonly AccessRow[]; lost: readonly AccessRow[] } | undefined,
): UsersetRows {
  const gained: AccessRow[] = [];
  const lost: AccessRow[] = [];
  const byPermission = new Map<
    string,
    { resourceType: string; permission: string; gained: number; lost: number }
  >();
  for (let i = 0; i < q.objects.length; i++) {
    const rows = moved(i);
    if (rows === undefined || (rows.gained.length === 0 && rows.lost.length === 0)) continue;
    gained.push(...rows.gained);
    lost.push(...rows.lost);
    const resourceType = data.typeNameOf(q.objects[i]!);
    const permission = q.permissions[i]!.name;
    const key = `${resourceType}#${permission}`;
    let line = byPermission.get(key);
    if (!line) {
      line = { resourceType, permission, gained: 0, lost: 0 };
      byPermission.set(key, line);
    }
    line.gained += rows.gained.length;
    line.lost += rows.lost.length;
  }
  gained.sort(compareRows);
  lost.sort(compareRows);
  const summary = [...byPermission.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, line]) => ({ tenant, ...line }));
  return { gained, lost, summary };
}
