import { randomUUID } from "node:crypto";
import { v1 } from "@authzed/authzed-node";
import type { ExplainNode } from "../engine/explain-node.js";

/**
 * The debug messages' types, read off the response that carries them: the client package does
 * not export `authzed.api.v1.CheckDebugTrace` and its enums by name. Their numbers are the proto's.
 */
type DebugInformation = NonNullable<v1.CheckPermissionResponse["debugTrace"]>;
type CheckDebugTrace = NonNullable<DebugInformation["check"]>;
type CaveatEvalInfo = NonNullable<CheckDebugTrace["caveatEvaluationInfo"]>;
type PermissionType = CheckDebugTrace["permissionType"];
type Permissionship = CheckDebugTrace["result"];
/** `CheckDebugTrace.PermissionType` */
const RELATION = 1 as PermissionType;
const PERMISSION = 2 as PermissionType;
/** `CheckDebugTrace.Permissionship` */
const NO_PERMISSION = 1 as Permissionship;
const HAS_PERMISSION = 2 as Permissionship;
const CONDITIONAL_PERMISSION = 3 as Permissionship;
/** `CaveatEvalInfo.Result` */
const CAVEAT_FALSE = 2 as CaveatEvalInfo["result"];
const CAVEAT_TRUE = 3 as CaveatEvalInfo["result"];
const CAVEAT_MISSING_SOME_CONTEXT = 4 as CaveatEvalInfo["result"];

/** Where a trace says it came from (SpiceDB: `spicedb:<node>`). */
const SOURCE = "gatehouse";

/** A check's answer as SpiceDB's three: has, has not, or conditional on context not given. */
export type Answer = "has" | "no" | "conditional";

/** The answer of an explain node (its root's is the check's). */
export function answerOf(node: ExplainNode): Answer {
  if (node.conditional) return "conditional";
  return node.result ? "has" : "no";
}

function permissionshipOf(answer: Answer): Permissionship {
  if (answer === "conditional") return CONDITIONAL_PERMISSION;
  return answer === "has" ? HAS_PERMISSION : NO_PERMISSION;
}

/** `test/document:a#view` at the start of a permission's or a relation's label. */
const STEP_LABEL = /^([^\s:#]+):([^\s#]+)#([^\s=(]+)/;

/**
 * SpiceDB's `CheckDebugTrace` nodes under an explain node: one per permission or relation of an
 * object that the check looked at (SpiceDB's dispatches), in evaluation order. Gatehouse's own
 * steps between them (unions, intersections, exclusions, arrows, the relationship that was
 * followed) are not nodes of SpiceDB's format and are walked through; a relation that the
 * subject is directly in ends the branch, as SpiceDB's leaf does.
 */
function traces(step: ExplainNode, subject: v1.SubjectReference): CheckDebugTrace[] {
  const node = unaliased(step);
  const named = (node.step === "permission" || node.step === "relation") && STEP_LABEL.exec(node.label);
  if (!named) return node.children.flatMap((child) => traces(child, subject));
  const [, objectType = "", objectId = "", permission = ""] = named;
  return [
    traceNode(
      { objectType, objectId },
      permission,
      node.step === "permission" ? PERMISSION : RELATION,
      subject,
      answerOf(node),
      node,
    ),
  ];
}

/** A permission's label whose expression only names another member of the object: `#edit = owner`. */
const ALIAS = /^[^\s#]+#[^\s=]+ = [a-z][a-z0-9_]*$/;

/**
 * A permission that only names another permission or relation of its object (`edit = owner`)
 * is checked as that one by SpiceDB (its aliasing), whose trace shows that one in its place:
 * so does this one. The answer is the same by definition.
 */
function unaliased(node: ExplainNode): ExplainNode {
  let at = node;
  for (;;) {
    const [only] = at.children;
    if (at.step !== "permission" || !ALIAS.test(at.label) || at.children.length !== 1 || !only) return at;
    if (only.step !== "permission" && only.step !== "relation") return at;
    at = only;
  }
}

/** The first caveat step under a node, before the next permission or relation. */
function caveatUnder(node: ExplainNode): ExplainNode["caveat"] {
  for (const child of node.children) {
    if (child.step === "permission" || child.step === "relation") continue;
    if (child.caveat) return child.caveat;
    const below = caveatUnder(child);
    if (below) return below;
  }
  return undefined;
}

function caveatInfo(node: ExplainNode): CaveatEvalInfo | undefined {
  const caveat = caveatUnder(node);
  if (!caveat) return undefined;
  const result =
    caveat.result === "conditional"
      ? CAVEAT_MISSING_SOME_CONTEXT
      : caveat.result
        ? CAVEAT_TRUE
        : CAVEAT_FALSE;
  return {
    caveatName: caveat.name,
    expression: caveat.expression,
    result,
    context: v1.PbStruct.fromJson(JSON.parse(JSON.stringify(caveat.context))),
    ...(node.conditional ? { partialCaveatInfo: { missingRequiredContext: [...node.conditional] } } : {}),
  };
}

function traceNode(
  resource: { objectType: string; objectId: string },
  permission: string,
  permissionType: PermissionType,
  subject: v1.SubjectReference,
  answer: Answer,
  node: ExplainNode,
): CheckDebugTrace {
  const below = node.children.flatMap((child) => traces(child, subject));
  const caveat = caveatInfo(node);
  return {
    resource: v1.ObjectReference.create(resource),
    permission,
    permissionType,
    subject,
    result: permissionshipOf(answer),
    ...(caveat ? { caveatEvaluationInfo: caveat } : {}),
    resolution:
      below.length > 0
        ? { oneofKind: "subProblems", subProblems: { traces: below } }
        : { oneofKind: "wasCachedResult", wasCachedResult: false },
    traceOperationId: randomUUID(),
    source: SOURCE,
  };
}

/**
 * SpiceDB's `DebugInformation` for a check, built from Gatehouse's explanation of it (`explain`,
 * the evaluator's own traced walk): the root names the check as asked and carries its answer
 * (`answer`, which the caller has made sure the explanation gives), its time, and under it the
 * permissions and relations the check looked at; `schema_used_for_check` is the schema's text.
 */
export function debugInformation(
  check: { resource: v1.ObjectReference; permission: string; subject: v1.SubjectReference },
  tree: ExplainNode,
  answer: Answer,
  schema: string,
  seconds: number,
): DebugInformation {
  const node = unaliased(tree);
  const [, objectType, objectId, permission] = (node !== tree && STEP_LABEL.exec(node.label)) || [
    "",
    check.resource.objectType,
    check.resource.objectId,
    check.permission,
  ];
  const root = traceNode(
    { objectType: objectType ?? "", objectId: objectId ?? "" },
    permission ?? "",
    node.step === "relation" ? RELATION : PERMISSION,
    check.subject,
    answer,
    node,
  );
  const whole = Math.floor(seconds);
  root.duration = { seconds: String(whole), nanos: Math.round((seconds - whole) * 1e9) };
  return { check: root, schemaUsed: schema };
}
