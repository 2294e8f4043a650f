import type { CheckAnswer } from "../../src/engine/check-answer.js";
import type { Engine } from "../../src/engine/engine.js";
import type { ExplainNode } from "../../src/engine/explain.js";
import { GatehouseError } from "../../src/model/errors.js";
import { formatSubject } from "../../src/model/relationship.js";
import type { CheckAnswerResult, SpiceDBHarness } from "../support/spicedb.js";
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
    let found: ReturnType<Engine["lookupSubjects"]>;
    try {
      found = engine.lookupSubjects(
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
      if (error instanceof GatehouseError) continue;
      throw error;
    }
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
  return result;
}
