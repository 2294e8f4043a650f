import {
  type AccessDiff,
  type AccessRow,
  compareRows,
  dependents,
  diffSubjectSets,
  permissionsOf,
} from "../engine/access-diff.js";
import type { DataIndex, Edge } from "../engine/data-index.js";
import { NO_RELATION } from "../engine/data-index.js";
import { conditionOf, type EdgeCondition } from "../engine/edge-conditions.js";
import type { Engine } from "../engine/engine.js";
import { Evaluator } from "../engine/evaluator.js";
import { explainCheck } from "../engine/explain.js";
import type { ExplainNode } from "../engine/explain-node.js";
import { resolveSubject } from "../engine/subject.js";
import { EMPTY, type SubjectSet } from "../engine/subject-set.js";
import { SubjectSets } from "../engine/subject-sets.js";
import {
  formatRelationship,
  formatSubject,
  parseSubject,
  type Relationship,
  type SubjectRef,
} from "../model/relationship.js";
import type { CompiledSchema, MemberDef } from "../schema/compiled.js";
import { readOnlyPositively } from "../schema/monotone.js";
import { changedMembers, dependentMembers } from "../schema/schema-diff.js";
import type { Intent } from "../store/change-records.js";
import type { Revision } from "../store/store.js";
import { type Candidates, collectCandidates, emptyCandidates } from "./candidates.js";
import {
  answerConditionally,
  conditionalDiff,
  conditionalQuestions,
  needsConditionalPlan,
  permissionIn,
  questionRows,
} from "./conditional-plan.js";
import type { DeletionFacts } from "./deletion-facts.js";
import { evaluateRowGuard, type Guard, type GuardResult, type PlanGuard } from "./guards.js";
import { type MergeFacts, mergeExempt } from "./merge.js";
import { EVERYONE, ModelCandidates } from "./model-candidates.js";
import { cannotMove, type OneWay } from "./one-way.js";
import type { PurgeFacts } from "./purge-facts.js";
import {
  answerUsersetQuestions,
  answerUsersetQuestionsConditionally,
  collectUsersetQuestions,
  conditionalUsersetRows,
  NO_USERSET_ROWS,
  UsersetCollector,
  type UsersetRows,
  usersetRows,
} from "./userset-subjects.js";

/**
 * The exact effective-access difference a change makes, computed at a base revision, and what
 * its guards and approvals say about it. Stored with the change as JSON.
 */
export interface Plan {
  readonly changeId: number;
  readonly tenant: string;
  readonly intent: Intent;
  readonly baseRevision: Revision;
  readonly computedAt: string;
  /**
   * The plan's identity (`newPlanId`), set when a change is planned; an approval names it. Absent
   * on plans stored before plans had ids, and on plans no change stores (incident reports).
   */
  readonly planId?: string;
  /** The relationship writes and deletes themselves (deletes include those `delete_where` found). */
  readonly data: { readonly writes: readonly string[]; readonly deletes: readonly string[] };
  /** For a model change: the `type#permission`s whose meaning changes (in every tenant). */
  readonly changedPermissions: readonly string[];
  readonly gained: readonly AccessRow[];
  readonly lost: readonly AccessRow[];
  /**
   * For a change that brings a schema: the `type#permission`s that existed before it and that it
   * gives to someone who did not have them (seed 002: a model change let members see every space).
   * Widening what an existing permission means needs a second person, as taking access away does;
   * what a brand-new permission grants does not. Absent on plans stored before it existed.
   */
  readonly widened?: readonly string[];
  readonly summary: readonly SummaryLine[];
  /**
   * Answers for userset subjects (`check doc:1 view group:eng#member`) that the change flips, with
   * a count by resource type and permission (see userset-subjects.ts). Absent in plans stored
   * before it existed; empty for a model change alone, which does not look for them.
   */
  readonly usersets?: UsersetRows;
  readonly guards: readonly GuardResult[];
  /** Approvals needed, given (by someone other than the author, after this plan), and by whom. */
  readonly approvals: { readonly needed: number; readonly given: number; readonly by: readonly string[] };
  readonly blocked: boolean;
  /** Why the apply is refused now, in words a reviewer understands; empty when it may go ahead. */
  readonly blockedBecause: readonly string[];
  /** Conflicts found while planning (a revert whose relationships later changes touched). */
  readonly conflicts: readonly string[];
  /** What the apply re-checks for staleness. */
  readonly region: { readonly objects: readonly string[]; readonly schemaSensitive: boolean };
  /** For a subject or tenant deletion: what it holds and who else loses access. */
  readonly deletion?: DeletionFacts;
  /** For a merge: FROM, INTO, what INTO gains, and whether anyone else's access moves. */
  readonly merge?: MergeFacts;
  /** For a purge: what goes for good, the export bundle and its SHA-256. */
  readonly purge?: PurgeFacts;
}

export interface SummaryLine {
  readonly tenant: string;
  readonly resourceType: string;
  readonly permission: string;
  readonly gained: number;
  readonly lost: number;
  readonly resources: number;
  readonly subjects: number;
}

export interface PlanInput {
  readonly changeId: number;
  readonly tenant: string;
  readonly intent: Intent;
  readonly baseRevision: Revision;
  readonly engine: Engine;
  readonly schemaBefore: CompiledSchema;
  readonly schemaAfter: CompiledSchema;
  /** Relationships the change makes live (none of them live now). */
  readonly writes: readonly Relationship[];
  /** Live relationships the change deletes. */
  readonly deletes: readonly Relationship[];
  /** Every tenant, loaded, when the schema changes (a model change reaches all of them). */
  readonly schemaTenants: readonly string[];
  readonly guards: readonly PlanGuard[];
  readonly conflicts?: readonly string[];
  readonly now: Date;
  /**
   * Objects (`type:id`) whose own rows the access-neutral guard does not count: a merge's FROM
   * and INTO, which lose and gain access by design.
   */
  readonly exempt?: readonly string[];
}

/**
 * A row guard. The access-neutral one skips the rows of exempt objects. Neither counts what a
 * brand-new permission grants: nobody could have had it before, so the plan shows it but it is
 * not an access that a change of the model took or gave behind anyone's back.
 */
function rowGuard(
  guard: Extract<Guard, { kind: "access-neutral" | "max-loss" | "max-gain" }>,
  input: PlanInput,
  plain: AccessDiff,
  usersets: UsersetRows,
): GuardResult {
  // A guard with `usersets: true` counts the userset subjects' rows with the plain ones.
  const diff: AccessDiff =
    guard.usersets === true
      ? { gained: [...plain.gained, ...usersets.gained], lost: [...plain.lost, ...usersets.lost] }
      : plain;
  const exempt = guard.kind === "access-neutral" ? (input.exempt ?? []) : [];
  const added = newPermissionsOf(input, diff.gained);
  if (exempt.length === 0 && added.size === 0)
    return evaluateRowGuard(guard, input.intent, diff.gained, diff.lost);
  const counted = (rows: readonly AccessRow[]) =>
    rows.filter((r) => !mergeExempt(r, exempt) && !added.has(permissionName(r)));
  const result = evaluateRowGuard(guard, input.intent, counted(diff.gained), counted(diff.lost));
  const notes = [
    ...(exempt.length > 0 ? [exempt.map((o) => `\`${o}\``).join(" and ")] : []),
    ...(added.size > 0
      ? [
          `what the new permission${added.size === 1 ? "" : "s"} ${[...added].map((p) => `\`${p}\``).join(", ")} grant${added.size === 1 ? "s" : ""}`,
        ]
      : []),
  ];
  return { ...result, message: `${result.message} (not counting ${notes.join(", nor ")})` };
}

/** The permissions that existed before a schema change and that its gained rows widen. */
function widenedPermissions(input: PlanInput, gained: readonly AccessRow[]): string[] {
  if (input.schemaBefore === input.schemaAfter) return [];
  const added = newPermissionsOf(input, gained);
  const widened = new Set<string>();
  for (const row of gained) {
    const name = permissionName(row);
    if (!added.has(name)) widened.add(name);
  }
  return [...widened].sort();
}

/** `type#permission` of a plan row. */
function permissionName(row: AccessRow): string {
  return `${row.resource.slice(0, row.resource.indexOf(":"))}#${row.permission}`;
}

/** The permissions among the gained rows that the schema before the change did not have. */
function newPermissionsOf(input: PlanInput, gained: readonly AccessRow[]): Set<string> {
  const added = new Set<string>();
  if (input.schemaBefore === input.schemaAfter) return added;
  for (const row of gained) {
    const name = permissionName(row);
    if (added.has(name)) continue;
    const type = row.resource.slice(0, row.resource.indexOf(":"));
    if (!input.schemaBefore.typesByName.get(type)?.members.has(row.permission)) added.add(name);
  }
  return added;
}

interface TenantWork {
  readonly tenant: string;
  readonly data: DataIndex;
  /** Objects to evaluate, with the members to diff (all permissions, or the changed ones). */
  readonly objects: Map<number, "all" | Set<string>>;
}

/** What every step of one plan reads: the change, its delta as numbers, and how it can move access. */
interface PlanScope {
  readonly input: PlanInput;
  readonly schemaChanges: boolean;
  /** `type#member`s whose meaning the schema change changes (none without one). */
  readonly changed: ReadonlySet<string>;
  /** The tenants and objects to evaluate, the change's own tenant among them. */
  readonly work: Map<string, TenantWork>;
  readonly main: TenantWork;
  readonly touched: readonly Relationship[];
  readonly delta: Delta;
  readonly oneWay: OneWay;
}

/** What a change can move, found in the graph before and after its delta (see `findMovable`). */
interface Movable {
  /** The touched objects and everything that depends on them (through the reverse index). */
  readonly region: Set<number>;
  /** The subjects a data change can move, per object (see candidates.ts). */
  readonly candidates: Candidates;
  readonly usersets: UsersetCollector;
}

/**
 * Computes a plan. Only the affected region is evaluated: the objects a data change touches and
 * everything that depends on them (through the reverse index), and for a model change the
 * objects of the types whose permissions change. The change's data delta is applied to the live
 * index, evaluated, and taken back out again (`withDelta`), all synchronously, so no other
 * request can observe the index in between.
 */
export function computePlan(input: PlanInput): Omit<Plan, "approvals" | "blocked" | "blockedBecause"> {
  const schemaChanges = input.schemaBefore !== input.schemaAfter;
  const changed = schemaChanges ? changedMembers(input.schemaBefore, input.schemaAfter) : new Set<string>();
  const work = new Map<string, TenantWork>();
  if (schemaChanges) addModelWork(work, input, changed);
  const main = workFor(work, input, input.tenant);
  const touched = [...input.writes, ...input.deletes];
  const regionBefore = dependents(main.data, seedsOf(main.data, touched));
  // Resolved after regionBefore: names a write brings are interned here, and must not count
  // as objects of the index before the change.
  const delta: Delta = {
    writes: input.writes.map((r) => ({ edge: main.data.edge(r), condition: conditionOf(r) })),
    // A delete takes out the live edge with the condition it has now, so that undoing the delta
    // gives it back exactly (a replacing touch deletes the live version and writes the new one).
    deletes: input.deletes.map((r) => {
      const edge = main.data.edge(r);
      return {
        edge,
        condition: main.data.conditionOf(edge.resource, edge.relation, edge.subject, edge.subjectRelation),
      };
    }),
  };
  // Only permissions that read a touched relation, directly or through others, can move.
  const affected = dependentMembers(input.schemaBefore, relationsOf(touched));
  const oneWay = schemaChanges ? "either" : oneWayOf(input, affected);
  const scope: PlanScope = { input, schemaChanges, changed, work, main, touched, delta, oneWay };
  const movable = findMovable(scope, affected, regionBefore);
  if (schemaChanges && touched.length === 0) {
    // A model change alone: both schemas read the same data, so each object can be evaluated
    // under both and diffed at once, and only shared intermediate results are kept.
    const diff = streamModelDiff(work, input.schemaBefore, input.schemaAfter, changed);
    conditionalModelRows(scope, diff);
    const guards = evaluateGuards(scope, movable.region, diff, NO_USERSET_ROWS);
    return finish(input, changed, diff, guards, new Set<string>(), NO_USERSET_ROWS);
  }
  const { diff, usersets, guards } = diffDataChange(scope, movable);
  const regionObjects = new Set<string>();
  for (const object of movable.region) regionObjects.add(main.data.objectKeys.get(object));
  for (const r of touched) regionObjects.add(`${r.resource.type}:${r.resource.id}`);
  return finish(input, changed, diff, guards, regionObjects, usersets);
}

/** The tenant's work, added (with no objects yet) the first time it is asked for. */
function workFor(work: Map<string, TenantWork>, input: PlanInput, tenant: string): TenantWork {
  let w = work.get(tenant);
  if (!w) {
    w = { tenant, data: input.engine.tenant(tenant).data, objects: new Map() };
    work.set(tenant, w);
  }
  return w;
}

/** A model change: every object of a type with a changed member, in every tenant. */
function addModelWork(work: Map<string, TenantWork>, input: PlanInput, changed: ReadonlySet<string>): void {
  const changedByType = new Map<string, Set<string>>();
  for (const name of changed) {
    const [type, member] = name.split("#") as [string, string];
    const set = changedByType.get(type) ?? new Set<string>();
    changedByType.set(type, set);
    set.add(member);
  }
  for (const tenant of input.schemaTenants) {
    const w = workFor(work, input, tenant);
    for (const [type, members] of changedByType) {
      const typeId = w.data.typeId(type);
      if (typeId === undefined) continue;
      for (const object of w.data.objectsByType[typeId]!) w.objects.set(object, members);
    }
  }
}

/** The touched relationships' resources that the index knows. */
function seedsOf(data: DataIndex, touched: readonly Relationship[]): number[] {
  return touched
    .map((r) => data.objectOf(r.resource.type, r.resource.id))
    .filter((o): o is number => o !== undefined);
}

/** `type#relation` of each touched relationship. */
function relationsOf(touched: readonly Relationship[]): string[] {
  return touched.map((r) => `${r.resource.type}#${r.relation}`);
}

/**
 * When the touched relations are read only positively, a change that only deletes can only take
 * access away (and one that only writes can only give it): what was denied before stays denied
 * (what was allowed stays allowed), and need not be checked again. The graph then only shrinks
 * (or only grows), so the smaller side adds no region and no candidate either.
 */
function oneWayOf(input: PlanInput, affected: ReadonlySet<string>): OneWay {
  if (!readOnlyPositively(input.schemaBefore, affected)) return "either";
  if (input.writes.length === 0) return "only-loses";
  if (input.deletes.length === 0) return "only-gains";
  return "either";
}

/**
 * The region, the candidate subjects and the userset subjects a change can move, found in the
 * graph before the delta and after it. A data change compares only the subjects it can move
 * (see candidates.ts); a model change, or a wildcard, needs whole sets. A change that only
 * deletes (only writes) has no new paths after it (before it) to look in.
 */
function findMovable(scope: PlanScope, affected: ReadonlySet<string>, regionBefore: Set<number>): Movable {
  const { input, main, touched, schemaChanges, oneWay } = scope;
  const candidates = emptyCandidates();
  const usersets = new UsersetCollector();
  const usersetAffected = new Set([
    ...affected,
    ...dependentMembers(input.schemaAfter, relationsOf(touched)),
    ...scope.changed,
  ]);
  if (input.deletes.length > 0)
    collectUsersetQuestions(main.data, input.schemaBefore, touched, usersetAffected, usersets);
  let regionAfter = new Set<number>();
  if (oneWay !== "only-loses") {
    regionAfter = withDelta(main.data, scope.delta, () => {
      if (input.writes.length > 0)
        collectUsersetQuestions(main.data, input.schemaAfter, touched, usersetAffected, usersets);
      const after = dependents(main.data, seedsOf(main.data, touched));
      if (!schemaChanges) collectCandidatesUnder(input.schemaAfter, main.data, touched, candidates);
      return after;
    });
  }
  if (!schemaChanges && oneWay !== "only-gains")
    collectCandidatesUnder(input.schemaBefore, main.data, touched, candidates);
  return { region: new Set([...regionBefore, ...regionAfter]), candidates, usersets };
}

function collectCandidatesUnder(
  schema: CompiledSchema,
  data: DataIndex,
  touched: readonly Relationship[],
  into: Candidates,
): void {
  const evaluator = new Evaluator(schema, data);
  collectCandidates(evaluator, new SubjectSets(evaluator), touched, into);
}

/**
 * The access difference of a change that touches relationships: the objects whose candidates are
 * not enough (wildcards, cycles; all of them in a model change) through their whole subject sets,
 * the rest by checking their candidate subjects, and the userset subjects; each once before the
 * delta and once while it is applied, with the guards.
 */
function diffDataChange(
  scope: PlanScope,
  movable: Movable,
): { diff: AccessDiff; usersets: UsersetRows; guards: GuardResult[] } {
  const { input, work, main, schemaChanges, oneWay } = scope;
  const { region, candidates } = movable;
  const fullRegion = schemaChanges ? region : new Set([...region].filter((o) => candidates.full.has(o)));
  const checked = schemaChanges
    ? new Set<number>()
    : new Set([...region].filter((o) => !candidates.full.has(o)));
  const before = evaluateAll(work, input.schemaBefore, fullRegion, main.tenant);
  const questions = candidateQuestions(main.data, input.schemaBefore, checked, candidates);
  // The engine's own evaluators: their group memberships, kept per subject while no membership
  // relation moves, serve both passes (and came warm from the checks before the plan).
  const answersBefore = answerQuestions(input.engine.evaluator(main.tenant, input.schemaBefore), questions);
  // Over caveated or expiring data the rows come from three-valued checks (conditional-plan.ts).
  // With a schema change too, the objects of the changed types move as well.
  const conditional = needsConditionalPlan(
    main.data,
    input.writes.some((r) => conditionOf(r) !== undefined),
  )
    ? conditionalQuestions(
        main.data,
        [input.schemaBefore, input.schemaAfter],
        schemaChanges ? new Set([...region, ...main.objects.keys()]) : region,
        scope.delta.writes.map((w) => w.edge.subject),
      )
    : undefined;
  const conditionalBefore =
    conditional && answerConditionally(input.engine.evaluator(main.tenant, input.schemaBefore), conditional);
  const usersetQuestions = movable.usersets.questions(main.data);
  // Over caveated or expiring data a userset, too, may hold a permission only under a condition:
  // its answers are then three-valued, as the plain subjects' are.
  const usersetsBefore = conditional
    ? undefined
    : answerUsersetQuestions(
        input.engine.evaluator(main.tenant, input.schemaBefore),
        input.schemaBefore,
        usersetQuestions,
      );
  const usersetsBeforeConditionally = conditional
    ? answerUsersetQuestionsConditionally(
        input.engine.evaluator(main.tenant, input.schemaBefore),
        input.schemaBefore,
        usersetQuestions,
      )
    : undefined;
  const explainedBefore = new Map<string, ExplainNode>();
  const beforeKey = (object: number, permission: string, subject: SubjectRef) =>
    `${object} ${permission} ${formatSubject(subject)}`;
  const prepareBefore = (list: readonly { object: number; permission: string; subject: SubjectRef }[]) => {
    const wanted = list.filter((q) => !explainedBefore.has(beforeKey(q.object, q.permission, q.subject)));
    if (wanted.length === 0) return;
    // Explained as before the change: the delta comes out for the moment and goes back.
    applyDelta(main.data, scope.delta, true);
    try {
      const evaluator = new Evaluator(input.schemaBefore, main.data, { now: () => input.now.getTime() });
      for (const { object, permission, subject } of wanted)
        explainedBefore.set(
          beforeKey(object, permission, subject),
          explainCheck(
            evaluator,
            object,
            permissionIn(input.schemaBefore, main.data, object, permission)!,
            resolveSubject(main.data, subject),
          ),
        );
    } finally {
      applyDelta(main.data, scope.delta);
    }
  };
  const explainBefore = (object: number, permission: string, subject: SubjectRef) => {
    prepareBefore([{ object, permission, subject }]);
    return explainedBefore.get(beforeKey(object, permission, subject))!;
  };
  const explaining = {
    tenant: main.tenant,
    data: main.data,
    schemaBefore: input.schemaBefore,
    schemaAfter: input.schemaAfter,
    nowMs: input.now.getTime(),
    explainBefore,
    prepareBefore,
  };
  return withDelta(main.data, scope.delta, () => {
    const after = evaluateAll(work, input.schemaAfter, fullRegion, main.tenant);
    const answersAfter = answerQuestions(
      input.engine.evaluator(main.tenant, input.schemaAfter),
      questions,
      answersBefore,
      oneWay,
    );
    const diff: AccessDiff = { gained: [], lost: [] };
    diffEvaluated(work, main.tenant, fullRegion, before, after, diff);
    answersAfter.forEach((answer, i) => {
      if (answersBefore[i] === answer) return;
      const row: AccessRow = {
        tenant: main.tenant,
        resource: main.data.objectKeys.get(questions.objects[i]!),
        permission: questions.permissions[i]!.name,
        subject: main.data.objectKeys.get(questions.subjects[i]!),
      };
      (answer ? diff.gained : diff.lost).push(row);
    });
    if (conditional && conditionalBefore) {
      const rows = conditionalDiff(
        { ...explaining, questions: conditional, before: conditionalBefore },
        answerConditionally(input.engine.evaluator(main.tenant, input.schemaAfter), conditional),
      );
      replaceTenantRows(diff, main.tenant, rows);
    }
    if (schemaChanges) conditionalModelRows(scope, diff, main.tenant);
    diff.gained.sort(compareRows);
    diff.lost.sort(compareRows);
    const evaluatorAfter = input.engine.evaluator(main.tenant, input.schemaAfter);
    if (usersetsBeforeConditionally)
      prepareBefore(
        usersetQuestions.objects.flatMap((object, i) =>
          usersetsBeforeConditionally[i]!.permissionship === "conditional"
            ? [
                {
                  object,
                  permission: usersetQuestions.permissions[i]!.name,
                  subject: parseSubject(usersetQuestions.names[i]!),
                },
              ]
            : [],
        ),
      );
    const usersets = usersetsBeforeConditionally
      ? conditionalUsersetRows(
          main.data,
          main.tenant,
          usersetQuestions,
          usersetsBeforeConditionally,
          answerUsersetQuestionsConditionally(evaluatorAfter, input.schemaAfter, usersetQuestions),
          (i, b, a) =>
            questionRows(
              explaining,
              usersetQuestions.objects[i]!,
              usersetQuestions.permissions[i]!.name,
              parseSubject(usersetQuestions.names[i]!),
              b,
              a,
              usersetQuestions.names[i]!,
            ),
        )
      : usersetRows(
          main.data,
          main.tenant,
          usersetQuestions,
          usersetsBefore!,
          answerUsersetQuestions(evaluatorAfter, input.schemaAfter, usersetQuestions, usersetsBefore, oneWay),
        );
    // Guards that look at the state after the change run while the delta is applied.
    return { diff, usersets, guards: evaluateGuards(scope, region, diff, usersets) };
  });
}

/** Adds to `diff` what moved between the subject sets evaluated before and after the delta. */
function diffEvaluated(
  work: Map<string, TenantWork>,
  mainTenant: string,
  fullRegion: Set<number>,
  before: Map<string, Map<number, Map<string, SubjectSet>>>,
  after: Map<string, Map<number, Map<string, SubjectSet>>>,
  diff: AccessDiff,
): void {
  for (const w of work.values()) {
    const objects = new Set([...w.objects.keys(), ...(w.tenant === mainTenant ? fullRegion : [])]);
    for (const object of objects) {
      const resource = w.data.objectKeys.get(object);
      const was = before.get(w.tenant)?.get(object) ?? new Map<string, SubjectSet>();
      const is = after.get(w.tenant)?.get(object) ?? new Map<string, SubjectSet>();
      for (const permission of new Set([...was.keys(), ...is.keys()])) {
        diffSubjectSets(
          w.data,
          w.tenant,
          resource,
          permission,
          was.get(permission) ?? EMPTY,
          is.get(permission) ?? EMPTY,
          diff,
        );
      }
    }
  }
}

/** Puts `rows` in place of the tenant's rows in `diff`. */
function replaceTenantRows(diff: AccessDiff, tenant: string, rows: AccessDiff): void {
  const gained = [...diff.gained.filter((r) => r.tenant !== tenant), ...rows.gained];
  const lost = [...diff.lost.filter((r) => r.tenant !== tenant), ...rows.lost];
  diff.gained.splice(0, diff.gained.length, ...gained);
  diff.lost.splice(0, diff.lost.length, ...lost);
}

/**
 * A model change over caveated or expiring data: each tenant of the work (but `skip`, whose data
 * change the caller planned) that has such edges gets its rows from three-valued checks of its
 * changed objects under both schemas (conditional-plan.ts); the data does not move.
 */
function conditionalModelRows(scope: PlanScope, diff: AccessDiff, skip?: string): void {
  const { input, work } = scope;
  for (const w of work.values()) {
    if (w.tenant === skip || !needsConditionalPlan(w.data, false)) continue;
    const questions = conditionalQuestions(w.data, [input.schemaBefore, input.schemaAfter], w.objects.keys());
    const before = answerConditionally(input.engine.evaluator(w.tenant, input.schemaBefore), questions);
    const rows = conditionalDiff(
      {
        tenant: w.tenant,
        data: w.data,
        schemaBefore: input.schemaBefore,
        schemaAfter: input.schemaAfter,
        nowMs: input.now.getTime(),
        questions,
        before,
        explainBefore: (object, permission, subject) =>
          explainCheck(
            new Evaluator(input.schemaBefore, w.data, { now: () => input.now.getTime() }),
            object,
            permissionIn(input.schemaBefore, w.data, object, permission)!,
            resolveSubject(w.data, subject),
          ),
      },
      answerConditionally(input.engine.evaluator(w.tenant, input.schemaAfter), questions),
    );
    replaceTenantRows(diff, w.tenant, rows);
  }
}

/** Every guard of the plan, in order, on the plan's rows (and, for a data change, the state after it). */
function evaluateGuards(
  scope: PlanScope,
  region: Set<number>,
  diff: AccessDiff,
  usersets: UsersetRows,
): GuardResult[] {
  const { input, work } = scope;
  return input.guards.map((guard) => {
    if (guard.kind === "subset") return subsetGuard(guard, work, input, region);
    if (guard.kind === "assertions") return assertionGuard(guard, input);
    return rowGuard(guard, input, diff, usersets);
  });
}

/** The candidate checks of a data change, subject by subject; parallel arrays. */
interface Questions {
  readonly objects: number[];
  readonly permissions: MemberDef[];
  readonly subjects: number[];
}

/**
 * Every candidate subject on every affected permission of every checked object, grouped by
 * subject, so that each subject's group memberships are walked once for all of its checks (the
 * evaluator keeps them while the subject and the data stay the same). Asked once before and
 * once after the delta, in the same order.
 */
function candidateQuestions(
  data: DataIndex,
  schema: CompiledSchema,
  objects: Set<number>,
  candidates: Candidates,
): Questions {
  const bySubject = new Map<number, number[]>();
  for (const object of objects) {
    for (const subject of candidates.subjects.get(object) ?? []) {
      let list = bySubject.get(subject);
      if (!list) {
        list = [];
        bySubject.set(subject, list);
      }
      list.push(object);
    }
  }
  // The permissions that can move on an object: those of its type that read a touched
  // relation reaching it, directly or through other members; the same few sets recur.
  const byReach = new Map<string, MemberDef[]>();
  const byObject = new Map<number, MemberDef[]>();
  const permissionsFor = (object: number): MemberDef[] => {
    const known = byObject.get(object);
    if (known !== undefined) return known;
    const reach = [...(candidates.relations.get(object) ?? [])].sort();
    const type = schema.typesByName.get(data.typeNames[data.objectTypes[object]!]!);
    const key = `${type?.name} ${reach.join(" ")}`;
    let list = byReach.get(key);
    if (list === undefined) {
      const moving = dependentMembers(schema, reach);
      list = permissionsOf(type).filter((p) => moving.has(`${type!.name}#${p.name}`));
      byReach.set(key, list);
    }
    byObject.set(object, list);
    return list;
  };
  const questions: Questions = { objects: [], permissions: [], subjects: [] };
  for (const [subject, subjectObjects] of bySubject) {
    for (const object of subjectObjects) {
      for (const permission of permissionsFor(object)) {
        questions.objects.push(object);
        questions.permissions.push(permission);
        questions.subjects.push(subject);
      }
    }
  }
  return questions;
}

/**
 * Answers the questions on the data as it is. With the answers before and a change that moves
 * access one way only, a question whose answer cannot move keeps it (see `cannotMove`).
 */
function answerQuestions(
  evaluator: Evaluator,
  questions: Questions,
  before?: readonly boolean[],
  oneWay: OneWay = "either",
): boolean[] {
  const data = evaluator.data;
  const answers: boolean[] = new Array(questions.objects.length);
  // A new object per subject: the evaluator tells a new subject from the last one it saw.
  let resolved = { object: -1, relation: NO_RELATION, wildcard: -1 };
  for (let i = 0; i < questions.objects.length; i++) {
    if (before !== undefined && cannotMove(oneWay, before[i]!)) {
      answers[i] = before[i]!;
      continue;
    }
    const subject = questions.subjects[i]!;
    if (resolved.object !== subject)
      resolved = {
        object: subject,
        relation: NO_RELATION,
        wildcard: data.wildcardOf[data.objectTypes[subject]!]!,
      };
    answers[i] = evaluator.check(questions.objects[i]!, questions.permissions[i]!, resolved);
  }
  return answers;
}

function finish(
  input: PlanInput,
  changed: Set<string>,
  diff: AccessDiff,
  guards: GuardResult[],
  regionObjects: Set<string>,
  usersets: UsersetRows,
): Omit<Plan, "approvals" | "blocked" | "blockedBecause"> {
  diff.gained.sort(compareRows);
  diff.lost.sort(compareRows);
  return {
    changeId: input.changeId,
    tenant: input.tenant,
    intent: input.intent,
    baseRevision: input.baseRevision,
    computedAt: input.now.toISOString(),
    data: { writes: input.writes.map(formatRelationship), deletes: input.deletes.map(formatRelationship) },
    changedPermissions: [...changed]
      .filter((name) => {
        const [type, member] = name.split("#") as [string, string];
        return (
          (input.schemaAfter.typesByName.get(type) ?? input.schemaBefore.typesByName.get(type))?.members.get(
            member,
          )?.kind === "permission"
        );
      })
      .sort(),
    gained: diff.gained,
    lost: diff.lost,
    widened: widenedPermissions(input, diff.gained),
    summary: summarize(diff),
    usersets,
    guards,
    conflicts: input.conflicts ?? [],
    region: { objects: [...regionObjects].sort(), schemaSensitive: true },
  };
}

/**
 * Diffs every object of the changed types under both schemas, one object at a time. Most
 * (object, permission) pairs are settled by checking the few subjects that can move at all
 * (`ModelCandidates`); the rest (wildcards, cycles) are diffed through their full subject sets.
 */
function streamModelDiff(
  work: Map<string, TenantWork>,
  before: CompiledSchema,
  after: CompiledSchema,
  changed: ReadonlySet<string>,
): AccessDiff {
  const diff: AccessDiff = { gained: [], lost: [] };
  for (const w of work.values()) {
    const evaluatorBefore = new Evaluator(before, w.data);
    const evaluatorAfter = new Evaluator(after, w.data);
    const setsBefore = new SubjectSets(evaluatorBefore);
    const setsAfter = new SubjectSets(evaluatorAfter);
    const candidates = new ModelCandidates(
      w.data,
      { schema: before, evaluator: evaluatorBefore, sets: setsBefore },
      { schema: after, evaluator: evaluatorAfter, sets: setsAfter },
      changed,
    );
    const pending: Array<{
      object: number;
      b: MemberDef | undefined;
      a: MemberDef | undefined;
      subjects: ReadonlySet<number>;
    }> = [];
    for (const [object, members] of w.objects) {
      const typeName = w.data.typeNameOf(object);
      const was = permissionsOf(before.typesByName.get(typeName)).filter(
        (m) => members === "all" || members.has(m.name),
      );
      const is = permissionsOf(after.typesByName.get(typeName)).filter(
        (m) => members === "all" || members.has(m.name),
      );
      const resource = w.data.objectKeys.get(object);
      for (const name of new Set([...was.map((m) => m.name), ...is.map((m) => m.name)])) {
        const b = was.find((m) => m.name === name);
        const a = is.find((m) => m.name === name);
        const subjects = candidates.forMember(object, name);
        if (subjects !== EVERYONE) {
          if (subjects.size > 0) pending.push({ object, b, a, subjects });
          continue;
        }
        diffSubjectSets(
          w.data,
          w.tenant,
          resource,
          name,
          b ? setsBefore.of(object, b) : EMPTY,
          a ? setsAfter.of(object, a) : EMPTY,
          diff,
        );
      }
      setsBefore.forget(object, before.typesByName.get(typeName)?.members.values() ?? []);
      setsAfter.forget(object, after.typesByName.get(typeName)?.members.values() ?? []);
    }
    checkModelCandidates(w, evaluatorBefore, evaluatorAfter, pending, diff);
  }
  return diff;
}

/** Checks each candidate subject under both schemas, subject by subject (see `checkCandidates`). */
function checkModelCandidates(
  w: TenantWork,
  before: Evaluator,
  after: Evaluator,
  pending: ReadonlyArray<{
    object: number;
    b: MemberDef | undefined;
    a: MemberDef | undefined;
    subjects: ReadonlySet<number>;
  }>,
  diff: AccessDiff,
): void {
  const data = w.data;
  const bySubject = new Map<number, number[]>();
  pending.forEach((p, i) => {
    for (const subject of p.subjects) {
      let list = bySubject.get(subject);
      if (!list) {
        list = [];
        bySubject.set(subject, list);
      }
      list.push(i);
    }
  });
  for (const [subject, indexes] of bySubject) {
    const resolved = {
      object: subject,
      relation: NO_RELATION,
      wildcard: data.wildcardOf[data.objectTypes[subject]!]!,
    };
    for (const i of indexes) {
      const p = pending[i]!;
      const was = p.b !== undefined && before.check(p.object, p.b, resolved);
      const is = p.a !== undefined && after.check(p.object, p.a, resolved);
      if (was === is) continue;
      const row: AccessRow = {
        tenant: w.tenant,
        resource: data.objectKeys.get(p.object),
        permission: (p.a ?? p.b)!.name,
        subject: data.objectKeys.get(subject),
      };
      (is ? diff.gained : diff.lost).push(row);
    }
  }
}

/** One relationship of a delta as the index's numbers, with its caveat and expiration if any. */
interface DeltaEdge {
  readonly edge: Edge;
  readonly condition: EdgeCondition | undefined;
}

/** A change's writes and deletes as the index's numbers, found once for the four applications. */
interface Delta {
  readonly writes: readonly DeltaEdge[];
  readonly deletes: readonly DeltaEdge[];
}

/**
 * Runs `during` with the delta applied to the index and takes it out again however `during`
 * ends, so that the live index is never left changed by a plan.
 */
function withDelta<T>(data: DataIndex, delta: Delta, during: () => T): T {
  applyDelta(data, delta);
  try {
    return during();
  } finally {
    applyDelta(data, delta, true);
  }
}

/** Applies the delta to the index, or with `undo` takes it out again (only `withDelta` calls it). */
function applyDelta(data: DataIndex, delta: Delta, undo = false): void {
  for (const { edge: e } of undo ? delta.writes : delta.deletes)
    data.removeEdge(e.resource, e.relation, e.subject, e.subjectRelation);
  for (const { edge: e, condition } of undo ? delta.deletes : delta.writes) {
    data.addEdge(e.resource, e.relation, e.subject, e.subjectRelation);
    if (condition !== undefined)
      data.setCondition(e.resource, e.relation, e.subject, e.subjectRelation, condition);
  }
}

/** Subject sets of every object and permission to diff, per tenant, under one schema. */
function evaluateAll(
  work: Map<string, TenantWork>,
  schema: CompiledSchema,
  region: Set<number>,
  mainTenant: string,
): Map<string, Map<number, Map<string, SubjectSet>>> {
  const out = new Map<string, Map<number, Map<string, SubjectSet>>>();
  for (const w of work.values()) {
    const sets = new SubjectSets(new Evaluator(schema, w.data));
    const perObject = new Map<number, Map<string, SubjectSet>>();
    const visit = (object: number, members: "all" | Set<string>) => {
      const type = schema.typesByName.get(w.data.typeNameOf(object));
      const entry = perObject.get(object) ?? new Map<string, SubjectSet>();
      perObject.set(object, entry);
      for (const permission of permissionsOf(type)) {
        if (members !== "all" && !members.has(permission.name)) continue;
        if (!entry.has(permission.name)) entry.set(permission.name, sets.of(object, permission));
      }
    };
    if (w.tenant === mainTenant) for (const object of region) visit(object, "all");
    for (const [object, members] of w.objects) visit(object, members);
    out.set(w.tenant, perObject);
  }
  return out;
}

function summarize(diff: AccessDiff): SummaryLine[] {
  const lines = new Map<string, { line: SummaryLine; resources: Set<string>; subjects: Set<string> }>();
  const add = (row: AccessRow, gained: boolean) => {
    const resourceType = row.resource.slice(0, row.resource.indexOf(":"));
    const key = `${row.tenant}\u0000${resourceType}\u0000${row.permission}`;
    let entry = lines.get(key);
    if (!entry) {
      entry = {
        line: {
          tenant: row.tenant,
          resourceType,
          permission: row.permission,
          gained: 0,
          lost: 0,
          resources: 0,
          subjects: 0,
        },
        resources: new Set(),
        subjects: new Set(),
      };
      lines.set(key, entry);
    }
    const line = entry.line as { -readonly [K in keyof SummaryLine]: SummaryLine[K] };
    if (gained) line.gained++;
    else line.lost++;
    entry.resources.add(row.resource);
    entry.subjects.add(row.subject);
  };
  for (const row of diff.gained) add(row, true);
  for (const row of diff.lost) add(row, false);
  return [...lines.values()]
    .map((e) => ({ ...e.line, resources: e.resources.size, subjects: e.subjects.size }))
    .sort((a, b) =>
      a.tenant + a.resourceType + a.permission < b.tenant + b.resourceType + b.permission ? -1 : 1,
    );
}

/** `type#permission` must stay a subset of `type#of` on every affected resource of the type. */
function subsetGuard(
  guard: Extract<Guard, { kind: "subset" }>,
  work: Map<string, TenantWork>,
  input: PlanInput,
  region: Set<number>,
): GuardResult {
  const result = (passed: boolean, message: string): GuardResult => ({
    name: guard.name,
    kind: "subset",
    passed,
    message,
  });
  const type = input.schemaAfter.typesByName.get(guard.resourceType);
  const inner = type?.members.get(guard.permission);
  const outer = type?.members.get(guard.of);
  if (!type || !inner || !outer) {
    return result(
      false,
      `the schema has no \`${guard.resourceType}#${guard.permission}\` or \`${guard.resourceType}#${guard.of}\`; fix the guard or the schema`,
    );
  }
  const violations: string[] = [];
  let checked = 0;
  for (const w of work.values()) {
    const typeId = w.data.typeId(guard.resourceType);
    if (typeId === undefined) continue;
    const evaluator = new Evaluator(input.schemaAfter, w.data);
    const sets = new SubjectSets(evaluator);
    const objects = new Set<number>([...w.objects.keys(), ...(w.tenant === input.tenant ? region : [])]);
    for (const object of objects) {
      if (w.data.objectTypes[object] !== typeId) continue;
      checked++;
      for (const subject of outside(
        sets.of(object, inner as MemberDef),
        sets.of(object, outer as MemberDef),
        w.data,
      )) {
        violations.push(
          `${w.tenant}: \`${subject}\` would have \`${guard.permission}\` on \`${w.data.objectKeys.get(object)}\` without \`${guard.of}\``,
        );
      }
    }
  }
  if (violations.length === 0) {
    return result(
      true,
      `\`${guard.resourceType}#${guard.permission}\` stays within \`${guard.resourceType}#${guard.of}\` on the ${checked} affected resources`,
    );
  }
  const shown = violations.slice(0, 5).join("; ");
  return result(
    false,
    `\`${guard.resourceType}#${guard.permission}\` must stay within \`${guard.resourceType}#${guard.of}\`, but ${violations.length} subject${violations.length === 1 ? "" : "s"} would break it: ${shown}${violations.length > 5 ? `; and ${violations.length - 5} more` : ""}`,
  );
}

/** Subjects in `inner` but not in `outer`, as names (`user:*` for a wildcard excess). */
function outside(inner: SubjectSet, outer: SubjectSet, data: DataIndex): string[] {
  const names: string[] = [];
  for (const [type, t] of inner) {
    const o = outer.get(type);
    const inOuter = (x: number) => (o === undefined ? false : o.all ? !o.excluded.has(x) : o.members.has(x));
    if (t.all) {
      if (!o?.all) names.push(`${data.typeNames[type]}:*`);
      else for (const x of o.excluded) if (!t.excluded.has(x)) names.push(data.objectKeys.get(x));
    } else {
      for (const x of t.members) if (!inOuter(x)) names.push(data.objectKeys.get(x));
    }
  }
  return names;
}

function assertionGuard(guard: Extract<Guard, { kind: "assertions" }>, input: PlanInput): GuardResult {
  const tenant = guard.tenant ?? input.tenant;
  const failures: string[] = [];
  for (const [list, expected] of [
    [guard.assertTrue, true],
    [guard.assertFalse, false],
  ] as const) {
    for (const r of list) {
      const text = formatRelationship(r);
      try {
        const allowed = input.engine.check(
          tenant,
          { resource: r.resource, permission: r.relation, subject: r.subject },
          input.schemaAfter,
        );
        if (allowed !== expected) failures.push(`\`${text}\` would be ${allowed}`);
      } catch (error) {
        failures.push(`\`${text}\` cannot be checked: ${(error as Error).message}`);
      }
    }
  }
  const total = guard.assertTrue.length + guard.assertFalse.length;
  return {
    name: guard.name,
    kind: "assertions",
    passed: failures.length === 0,
    message:
      failures.length === 0
        ? `all ${total} assertions hold after the change (tenant \`${tenant}\`)`
        : `${failures.length} of ${total} assertions fail after the change: ${failures.join("; ")}`,
  };
}
