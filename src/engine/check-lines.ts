import { CheckNames, skippedLine } from "../model/check-names.js";
import type { CompiledSchema, MemberDef } from "../schema/compiled.js";
import { resolveCheck } from "../schema/validate-relationship.js";
import { checkAnswerOf } from "./check-answer.js";
import type { Evaluator } from "./evaluator.js";
import { resolveLineResource, resolveLineSubject } from "./subject.js";

/** A batch's answers: per check, allowed or not, and where some are conditional, what each misses. */
export interface CheckLineAnswers {
  results: boolean[];
  /** Present when some answer is conditional: per check, its missing context parameters, if any. */
  conditional?: (readonly string[] | undefined)[];
}

/**
 * Answers a text of check lines (`resource#permission@subject`, as `permission check --batch`
 * and `POST /checks/text` read them) in one pass, reading each line in place: the ids are found
 * in the index from the line's text (no string made for them), the member is resolved again only
 * when the types or names change from the line before, and no check object is made. What a
 * batch of checks cost beside the engine's own answers was mostly that: the strings and objects
 * of 200,000 checks, kept until all were answered (and so copied by the collector).
 *
 * The same answers as reading the lines into checks and answering those (`parseCheckLines`,
 * then `Engine.resolve` and `checkResolved`, and `conditionalOn` for a denial), or undefined
 * when this cannot give them: a line that is neither skipped nor one `CheckNames.readLine`
 * reads (a malformed line, traits, whitespace around it), a name the schema does not have, more
 * than `maxChecks` checks, or a check that throws (past the depth limit). The caller then reads
 * the lines into checks, which names the problem with its line (a malformed line before a check
 * past the limit, as ever); answers made before it was met are dropped, so nothing is answered.
 */
export function answerCheckLines(
  evaluator: Evaluator,
  schema: CompiledSchema,
  text: string,
  maxChecks: number,
): CheckLineAnswers | undefined {
  const data = evaluator.data;
  const names = new CheckNames();
  const conditions = data.conditionCount > 0;
  const results: boolean[] = [];
  let conditional: (readonly string[] | undefined)[] | undefined;
  // The member of the line before, and the names it was resolved from (the checks' own strings,
  // each distinct one made once by `CheckNames`, so compared by identity).
  let member: MemberDef | undefined;
  let resourceType = "";
  let permission = "";
  let subjectType = "";
  let subjectRelation: string | undefined;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = names.readLine(text, start, end);
    if (line === undefined) {
      if (!skippedLine(text, start, end)) return undefined;
      start = end + 1;
      continue;
    }
    if (results.length === maxChecks) return undefined;
    if (
      member === undefined ||
      line.resourceType !== resourceType ||
      line.permission !== permission ||
      line.subjectType !== subjectType ||
      line.subjectRelation !== subjectRelation
    ) {
      resourceType = line.resourceType;
      permission = line.permission;
      subjectType = line.subjectType;
      subjectRelation = line.subjectRelation;
      try {
        const subject =
          subjectRelation === undefined
            ? { type: subjectType, id: "" }
            : { type: subjectType, id: "", relation: subjectRelation };
        member = resolveCheck(schema, resourceType, permission, subject);
      } catch {
        return undefined;
      }
    }
    const object = resolveLineResource(data, text, line);
    const subject = resolveLineSubject(data, text, line);
    let allowed: boolean;
    try {
      allowed = evaluator.check(object, member, subject);
      if (!allowed && conditions) {
        const answer = checkAnswerOf(evaluator.decide(object, member, subject));
        if (answer.permissionship === "conditional") {
          conditional ??= [];
          conditional[results.length] = answer.missing;
        }
      }
    } catch {
      // A check past the depth limit: a malformed line after it is named first, as it was.
      return undefined;
    }
    results.push(allowed);
    start = end + 1;
  }
  if (conditional !== undefined) {
    // Dense, as the batch of checks gives it: `undefined` where an answer is not conditional.
    const dense: (readonly string[] | undefined)[] = new Array(results.length).fill(undefined);
    for (let i = 0; i < conditional.length; i++) dense[i] = conditional[i];
    return { results, conditional: dense };
  }
  return { results };
}
