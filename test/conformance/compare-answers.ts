import type { CheckAnswer } from "../../src/engine/check-answer.js";
import type { Engine } from "../../src/engine/engine.js";
import type { ExplainNode } from "../../src/engine/explain.js";
import { GatehouseError } from "../../src/model/errors.js";
import { formatSubject } from "../../src/model/relationship.js";
import type { CheckAnswerResult, LookupAnswer, SpiceDBHarness, SubjectAnswer } from "../support/spicedb.js";
import type { Comparison, Query } from "./compare.js";

/** A query with the caveat context it is asked with. */
export interface ContextQuery extends Query {
  readonly context?: Readonly<Record<string, unknown>> | undefined;
}

const describe = (q: ContextQuery) =>
  `${q.resource.type}:${q.resource.id}#${q.permission}@${formatSubject(q.subject)}${q.context ? ` with ${JSON.stringify(q.context)}` : ""}`;

const show = (a: CheckAnswer | CheckAnswerResult | "error"): string => {
  if (a === "error") return "error";
  if ("permissionship" in a)
    return a.permissionship === "conditional" ? `conditional [${a.missing.join(",")}]` : a.permissionship;
  if (a.result === "conditional") return `conditional [${(a.missing ?? []).join(",")}]`;
  return a.result === true ? "has_permission" : a.result === false ? "no_permission" : "error";
};

/**
 * Three-valued comparison for caveated data: for every query (with its context) our answer,
 * including the missing parameters of a conditional one, must equal SpiceDB's; explain must
 * agree with the check; and our lookups (with the same context, conditional answers listed)
 * must agree with our checks.
 */
export async function compareAnswersWithSpiceDB(
  engine: Engine,
  spicedb: SpiceDBHarness,
  queries: readonly ContextQuery[],
  tenant = "default",
): Promise<Comparison> {
  const result: Comparison = { compared: 0, spicedbErrors: 0, mismatches: [] };
  const theirs = await spicedb.checkAnswers(queries);
  const mineAll = queries.map((q): CheckAnswer | "error" => {
    try {
      return engine.checkAnswer(tenant, q);
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      return "error";
    }
  });
  // SpiceDB 1.54's CheckBulkPermissions batches the resources of one permission and subject
  // into one dispatch, and under `.all()` it then mixes the caveats of one resource's path into
  // another's answer (seed 1015: `doc:a#can_see@usr:u1` alone is HAS_PERMISSION, in a batch
  // with doc:d it is CONDITIONAL on doc:d's caveat). Where the batch disagrees with us, the
  // check is asked again alone, which is the answer CheckPermission gives.
  for (let i = 0; i < queries.length; i++) {
    if (show(mineAll[i]!) !== show(theirs[i]!)) theirs[i] = (await spicedb.checkAnswers([queries[i]!]))[0]!;
  }
  const ours = new Map<string, CheckAnswer>();
  queries.forEach((q, i) => {
    const answer = theirs[i]!;
    const mine = mineAll[i]!;
    if (answer.result === "error") {
      result.spicedbErrors++;
      if (mine !== "error" && !/max depth|depth/.test(answer.error ?? ""))
        result.mismatches.push(`${describe(q)}: SpiceDB error (${answer.error}), Gatehouse ${show(mine)}`);
      return;
    }
    result.compared++;
    if (show(mine) !== show(answer)) {
      result.mismatches.push(`${describe(q)}: SpiceDB ${show(answer)}, Gatehouse ${show(mine)}`);
      return;
    }
    if (mine === "error") return;
    ours.set(describe(q), mine);
    const tree: ExplainNode = engine.explain(tenant, q);
    const explained =
      tree.conditional !== undefined ? "conditional" : tree.result ? "has_permission" : "no_permission";
    if (explained !== mine.permissionship)
      result.mismatches.push(`${describe(q)}: explain says ${explained}, check ${mine.permissionship}`);
  });

  // Lookups with the same context must list exactly what checks grant, conditional ones marked.
  const groups = new Map<string, ContextQuery[]>();
  for (const q of queries) {
    const key = `${q.resource.type}|${q.permission}|${formatSubject(q.subject)}|${JSON.stringify(q.context ?? null)}`;
    const list = groups.get(key);
    if (list) list.push(q);
    else groups.set(key, [q]);
  }
  for (const group of groups.values()) {
    const q = group[0]!;
    let found: Map<string, readonly string[] | undefined>;
    try {
      found = new Map(
        engine
          .lookupResourcesWith(tenant, q.resource.type, q.permission, q.subject, {
            context: q.context,
            conditional: true,
          })
          .map((r) => [r.id, r.conditional]),
      );
    } catch (error) {
      if (error instanceof GatehouseError) continue;
      throw error;
    }
    for (const member of group) {
      const expected = ours.get(describe(member));
      if (expected === undefined) continue;
      const listed = found.has(member.resource.id);
      const conditional = found.get(member.resource.id);
      const agrees =
        expected.permissionship === "no_permission"
          ? !listed
          : listed && (expected.permissionship === "conditional") === (conditional !== undefined);
      if (!agrees)
        result.mismatches.push(
          `lookup-resources disagrees with check on ${describe(member)} (check ${expected.permissionship})`,
        );
    }
  }
  // Lookup-subjects with the same context: a subject is listed (or covered by the wildcard and
  // not excluded) exactly when its check grants, and marked conditional exactly when it is.
  const bySubjectSide = new Map<string, ContextQuery[]>();
  for (const q of queries) {
    const key = `${q.resource.type}:${q.resource.id}|${q.permission}|${q.subject.type}|${q.subject.relation ?? ""}|${JSON.stringify(q.context ?? null)}`;
    const list = bySubjectSide.get(key);
    if (list) list.push(q);
    else bySubjectSide.set(key, [q]);
  }
  for (const group of bySubjectSide.values()) {
    const q = group[0]!;
    const found = ourSubjects(engine, tenant, q);
    if (found === undefined) continue;
    const concrete = new Map(found.filter((s) => s.subject.id !== "*").map((s) => [s.subject.id, s]));
    const wildcard = found.find((s) => s.subject.id === "*");
    const excluded = new Set(wildcard?.excluded.map((s) => s.id) ?? []);
    for (const member of group) {
      const expected = ours.get(describe(member));
      if (expected === undefined) continue;
      const named = concrete.get(member.subject.id);
      const listed =
        named ?? (wildcard !== undefined && !excluded.has(member.subject.id) ? wildcard : undefined);
      const agrees =
        expected.permissionship === "no_permission"
          ? listed === undefined
          : listed !== undefined &&
            (expected.permissionship === "conditional") === (listed.conditional !== undefined);
      if (!agrees)
        result.mismatches.push(
          `lookup-subjects disagrees with check on ${describe(member)} (check ${expected.permissionship}, listed ${listed === undefined ? "no" : listed.conditional ? "conditional" : "yes"})`,
        );
    }
  }
  await compareLookupsWithSpiceDB(engine, spicedb, groups.values(), bySubjectSide.values(), tenant, result);
  return result;
}

const answerText = (a: { id: string; missing?: readonly string[] | undefined }) =>
  a.missing ? `${a.id} conditional [${[...a.missing].sort().join(",")}]` : a.id;

/**
 * SpiceDB's lookups answer CONDITIONAL more often than its checks do (a caveat expression that a
 * check would settle is streamed unsettled, and an item may come twice, once conditional and once
 * not): a client is to check a conditional item again. So its lookups are compared by meaning:
 * the same ids; an id SpiceDB grants outright (in any of its items) we grant outright; an id we
 * list as conditional SpiceDB never grants outright; and when both are conditional, the same
 * missing parameters.
 */
function lookupDisagreements(
  mine: readonly { id: string; conditional?: readonly string[] | undefined }[],
  theirs: readonly LookupAnswer[],
): string[] {
  const theirsById = new Map<string, { has: boolean; missing: Set<string> }>();
  for (const t of theirs) {
    const entry = theirsById.get(t.id) ?? { has: false, missing: new Set<string>() };
    if (t.missing) for (const m of t.missing) entry.missing.add(m);
    else entry.has = true;
    theirsById.set(t.id, entry);
  }
  const out: string[] = [];
  for (const m of mine) {
    const t = theirsById.get(m.id);
    if (!t) out.push(`${m.id} listed by Gatehouse only`);
    else if (m.conditional && t.has) out.push(`${m.id} conditional for Gatehouse, granted for SpiceDB`);
    else if (m.conditional && [...m.conditional].sort().join(",") !== [...t.missing].sort().join(","))
      out.push(
        `${m.id} missing [${m.conditional.join(",")}] for Gatehouse, [${[...t.missing].sort().join(",")}] for SpiceDB`,
      );
  }
  const ours = new Set(mine.map((m) => m.id));
  for (const id of theirsById.keys()) if (!ours.has(id)) out.push(`${id} listed by SpiceDB only`);
  return out;
}

/**
 * Our lookups against SpiceDB's, with the same context: the same resources, each with the same
 * permissionship and missing parameters; and the same subjects, each named or under the wildcard
 * exactly as SpiceDB names it, conditional with the same missing parameters.
 */
async function compareLookupsWithSpiceDB(
  engine: Engine,
  spicedb: SpiceDBHarness,
  resourceGroups: Iterable<ContextQuery[]>,
  subjectGroups: Iterable<ContextQuery[]>,
  tenant: string,
  result: Comparison,
): Promise<void> {
  for (const [q] of sample(resourceGroups)) {
    if (!q) continue;
    let mine: readonly { id: string; conditional?: readonly string[] }[];
    try {
      mine = engine.lookupResourcesWith(tenant, q.resource.type, q.permission, q.subject, {
        context: q.context,
        conditional: true,
      });
    } catch (error) {
      if (error instanceof GatehouseError) continue;
      throw error;
    }
    const theirs = await spicedb.lookupResourcesWith(q.resource.type, q.permission, q.subject, q.context);
    if (theirs === "error") continue;
    const disagree = lookupDisagreements(mine, theirs);
    if (disagree.length > 0)
      result.mismatches.push(
        `lookup-resources ${q.resource.type}#${q.permission}@${formatSubject(q.subject)}${q.context ? ` with ${JSON.stringify(q.context)}` : ""}: ${disagree.join("; ")} (SpiceDB [${theirs.map(answerText).join("; ")}])`,
      );
  }
  for (const group of sample(subjectGroups)) {
    const q = group[0];
    if (!q) continue;
    const mine = ourSubjects(engine, tenant, q);
    if (mine === undefined) continue;
    const theirs = await spicedb.lookupSubjectsWith(
      q.resource,
      q.permission,
      q.subject.type,
      q.subject.relation,
      q.context,
    );
    if (theirs === "error") continue;
    const ours = mine.map((s) => ({
      id: s.subject.id,
      ...(s.conditional ? { missing: s.conditional } : {}),
      excluded: s.excluded.map((e) => ({ id: e.id })),
    }));
    for (const member of group) {
      const a = subjectAnswer(ours, member.subject.id);
      const b = subjectAnswer(theirs, member.subject.id);
      const agrees =
        b === "has"
          ? a === "has"
          : a === "conditional"
            ? b === "conditional"
            : a === "none"
              ? b === "none"
              : b !== "none";
      if (!agrees)
        result.mismatches.push(
          `lookup-subjects ${describe(member)}: SpiceDB lists it ${b}, Gatehouse ${a} (SpiceDB [${theirs.map((t) => `${answerText(t)} - {${t.excluded.map(answerText).join(",")}}`).join("; ")}])`,
        );
    }
  }
}

/** Our lookup of the query's subject side, with its context, conditional answers listed (undefined: refused). */
function ourSubjects(
  engine: Engine,
  tenant: string,
  q: ContextQuery,
): ReturnType<Engine["lookupSubjects"]> | undefined {
  try {
    return engine.lookupSubjects(
      tenant,
      q.resource,
      q.permission,
      q.subject.type,
      q.subject.relation,
      undefined,
      {
        context: q.context,
        conditional: true,
      },
    );
  } catch (error) {
    if (error instanceof GatehouseError) return undefined;
    throw error;
  }
}

/** A few groups of a long list, spread over it: SpiceDB's streamed lookups cost ~10 ms each. */
function sample<T>(groups: Iterable<T>, most = 12): T[] {
  const all = [...groups];
  if (all.length <= most) return all;
  return Array.from({ length: most }, (_, i) => all[Math.floor((i * all.length) / most)] as T);
}

/**
 * What a LookupSubjects answer says of one subject: granted outright when an item names it so, or
 * a wildcard granted outright does not exclude it; conditional when an item or a wildcard (or an
 * exclusion that is itself conditional) leaves it to context; none otherwise.
 */
function subjectAnswer(items: readonly SubjectAnswer[], id: string): "has" | "conditional" | "none" {
  let conditional = false;
  for (const item of items) {
    if (item.id === id) {
      if (!item.missing) return "has";
      conditional = true;
    } else if (item.id === "*") {
      const exclusion = item.excluded.find((e) => e.id === id);
      if (exclusion && !exclusion.missing) continue;
      if (!item.missing && !exclusion) return "has";
      conditional = true;
    }
  }
  return conditional ? "conditional" : "none";
}
