import type { Engine } from "../../src/engine/engine.js";
import { has } from "../../src/engine/subject-set.js";
import { SubjectSets } from "../../src/engine/subject-sets.js";
import { GatehouseError } from "../../src/model/errors.js";
import {
  formatSubject,
  type ObjectRef,
  type Relationship,
  type SubjectRef,
} from "../../src/model/relationship.js";
import type { CompiledSchema } from "../../src/schema/compiled.js";
import type { SpiceDBHarness } from "../support/spicedb.js";

export interface Query {
  readonly resource: ObjectRef;
  readonly permission: string;
  readonly subject: SubjectRef;
}

export interface Comparison {
  /** Queries both answered and compared. */
  compared: number;
  /** Queries SpiceDB refused (max depth on cyclic data); our answer is checked by lookups only. */
  spicedbErrors: number;
  mismatches: string[];
}

/**
 * Every object named in the data, every relation and permission of its type, every subject named
 * in the data (objects and usersets; wildcards are not checkable subjects in SpiceDB).
 */
export function queriesFor(
  schema: CompiledSchema,
  relationships: readonly Relationship[],
  extra: readonly Query[] = [],
): Query[] {
  const objects = new Map<string, ObjectRef>();
  const subjects = new Map<string, SubjectRef>();
  const addObject = (o: ObjectRef) => {
    if (o.id !== "*") objects.set(`${o.type}:${o.id}`, { type: o.type, id: o.id });
  };
  for (const r of [
    ...relationships,
    ...extra.map((q) => ({ resource: q.resource, relation: q.permission, subject: q.subject })),
  ]) {
    addObject(r.resource);
    addObject(r.subject);
    if (r.subject.id !== "*") {
      subjects.set(formatSubject(r.subject), r.subject);
      subjects.set(`${r.subject.type}:${r.subject.id}`, { type: r.subject.type, id: r.subject.id });
    }
  }
  const queries: Query[] = [];
  for (const resource of objects.values()) {
    const type = schema.typesByName.get(resource.type);
    if (!type) continue;
    for (const member of type.members.values()) {
      for (const subject of subjects.values()) {
        const subjectType = schema.typesByName.get(subject.type);
        if (!subjectType || (subject.relation !== undefined && !subjectType.members.has(subject.relation)))
          continue;
        queries.push({ resource, permission: member.name, subject });
      }
    }
  }
  return queries;
}

const describeQuery = (q: Query) =>
  `${q.resource.type}:${q.resource.id}#${q.permission}@${formatSubject(q.subject)}`;

/** Compares our checks with SpiceDB's, then holds our lookups to our checks. */
export async function compareWithSpiceDB(
  engine: Engine,
  spicedb: SpiceDBHarness,
  queries: readonly Query[],
  tenant = "default",
): Promise<Comparison> {
  const result: Comparison = { compared: 0, spicedbErrors: 0, mismatches: [] };
  const theirs = await spicedb.checkMany(queries);
  const ours = new Map<string, boolean>();
  queries.forEach((q, i) => {
    let mine: boolean;
    try {
      mine = engine.check(tenant, q);
    } catch (error) {
      if (error instanceof GatehouseError && error.kind === "limit") {
        if (theirs[i] !== "error")
          result.mismatches.push(
            `${describeQuery(q)}: we hit the depth limit, SpiceDB answered ${theirs[i]}`,
          );
        return;
      }
      throw error;
    }
    ours.set(describeQuery(q), mine);
    const answer = theirs[i];
    if (answer === "error") {
      result.spicedbErrors++;
      return;
    }
    result.compared++;
    if (answer !== mine) result.mismatches.push(`${describeQuery(q)}: SpiceDB ${answer}, Gatehouse ${mine}`);
    const explained = engine.explain(tenant, q).result;
    if (explained !== mine)
      result.mismatches.push(`${describeQuery(q)}: explain says ${explained}, check ${mine}`);
  });

  // Lookups must agree with checks, query by query.
  const byResourceSide = new Map<string, Query[]>();
  const bySubjectSide = new Map<string, Query[]>();
  for (const q of queries) {
    push(byResourceSide, `${q.resource.type}|${q.permission}|${formatSubject(q.subject)}`, q);
    push(
      bySubjectSide,
      `${q.resource.type}:${q.resource.id}|${q.permission}|${q.subject.type}|${q.subject.relation ?? ""}`,
      q,
    );
  }
  for (const group of byResourceSide.values()) {
    const q = group[0]!;
    const found = new Set(engine.lookupResources(tenant, q.resource.type, q.permission, q.subject));
    for (const member of group) {
      const expected = ours.get(describeQuery(member));
      if (expected === undefined) continue;
      if (found.has(member.resource.id) !== expected) {
        result.mismatches.push(
          `lookup-resources disagrees with check on ${describeQuery(member)} (check ${expected})`,
        );
      }
    }
  }
  for (const group of bySubjectSide.values()) {
    const q = group[0]!;
    const found = engine.lookupSubjects(tenant, q.resource, q.permission, q.subject.type, q.subject.relation);
    const concrete = new Set(found.filter((s) => s.subject.id !== "*").map((s) => s.subject.id));
    const wildcard = found.find((s) => s.subject.id === "*");
    const excluded = new Set(wildcard?.excluded.map((s) => s.id) ?? []);
    for (const member of group) {
      const expected = ours.get(describeQuery(member));
      if (expected === undefined) continue;
      const listed =
        concrete.has(member.subject.id) || (wildcard !== undefined && !excluded.has(member.subject.id));
      if (listed !== expected) {
        result.mismatches.push(
          `lookup-subjects disagrees with check on ${describeQuery(member)} (check ${expected})`,
        );
      }
    }
  }
  // The subject sets that plans diff must hold exactly the plain subjects that check true.
  const evaluator = engine.evaluator(tenant);
  const sets = new SubjectSets(evaluator);
  for (const q of queries) {
    if (q.subject.relation !== undefined) continue;
    const expected = ours.get(describeQuery(q));
    const object = evaluator.data.objectId(`${q.resource.type}:${q.resource.id}`);
    const subject = evaluator.data.objectId(`${q.subject.type}:${q.subject.id}`);
    if (expected === undefined || object === undefined || subject === undefined) continue;
    const member = engine.resolve(q);
    const inSet = has(sets.of(object, member), evaluator.data.objectTypes[subject]!, subject);
    if (inSet !== expected)
      result.mismatches.push(`subject set disagrees with check on ${describeQuery(q)} (check ${expected})`);
  }
  return result;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
