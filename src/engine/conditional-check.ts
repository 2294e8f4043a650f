import { allOf, anyOf, type CaveatResult, FALSE, negate, TRUE } from "../schema/caveats/caveat-result.js";
import type { CaveatContext } from "../schema/caveats/context-values.js";
import { evaluateCaveat, mergeContexts } from "../schema/caveats/evaluate.js";
import type { Expression, MemberDef, RelationDef } from "../schema/compiled.js";
import { formatExpression } from "../schema/format-expression.js";
import { type Assumption, CutPath } from "./cut-path.js";
import { iterate, NO_RELATION } from "./data-index.js";
import type { EdgeCondition } from "./edge-conditions.js";
import { edgeKey, keyObject, keyRelation, stepKey } from "./encodings.js";
import type { Evaluator } from "./evaluator.js";
import type { ExplainNode } from "./explain-node.js";
import {
  batchSteps,
  batchTooLarge,
  checkTooLarge,
  depthExceeded,
  explainTooLarge,
  MAX_CHECK_STEPS,
  MAX_EXPLAIN_STEPS,
} from "./limits.js";
import type { ResolvedSubject } from "./subject.js";

/**
 * The check for data that has caveated or expiring relationships (and for schemas with `self`),
 * answering with SpiceDB's three answers: has permission, no permission, or conditional on
 * context parameters not given. Every edge that carries a condition contributes its own answer
 * (expired: no; caveat: the caveat over the relationship's context with the request's beneath
 * it), and the answers combine as SpiceDB combines caveat expressions: a path is the AND of its
 * edges, a union the OR of its branches, an intersection the AND, an exclusion `base AND NOT
 * subtracted` (`internal/graph` builds the expression tree; evaluating it at once, leaf by
 * leaf in three-valued logic, gives the same answer and the same missing parameters).
 *
 * Plain data never comes here (`Evaluator.check` takes its two-valued fast path while the
 * index holds no condition), so caveats cost nothing to those who do not use them.
 *
 * When `explain` is asked, the same walk builds the explain tree as it goes, so the tree cannot
 * disagree with the answer.
 */
export class ConditionalCheck {
  private readonly evaluator: Evaluator;
  private subject: ResolvedSubject = { object: -1, relation: NO_RELATION, wildcard: -1 };
  private context: CaveatContext = {};
  private now = 0;
  private readonly path = new CutPath();
  /**
   * Answers of this check by step; one that a cut of a step above it shortened, with what it
   * assumes, is used only where that still holds (see cut-path.ts).
   */
  private readonly answered = new Map<
    number,
    { depth: number; result: CaveatResult; assumption: Assumption | undefined }
  >();
  /** Each condition evaluated once per check: many paths cross the same caveated edge. */
  private readonly edgeAnswers = new Map<EdgeCondition, CaveatResult>();
  private explaining = false;
  /** Steps of this walk: it stops past `MAX_CHECK_STEPS`, or `MAX_EXPLAIN_STEPS` explaining. */
  private steps = 0;

  constructor(evaluator: Evaluator) {
    this.evaluator = evaluator;
  }

  check(
    object: number,
    member: MemberDef,
    subject: ResolvedSubject,
    context: CaveatContext | undefined,
    now: number,
  ): CaveatResult {
    this.start(subject, context, now, false);
    return this.member(object, member, 0, undefined);
  }

  /** `check`, building the explain tree of the walk that answers. */
  explain(
    object: number,
    member: MemberDef,
    subject: ResolvedSubject,
    context: CaveatContext | undefined,
    now: number,
  ): { result: CaveatResult; tree: ExplainNode } {
    this.start(subject, context, now, true);
    const out: ExplainNode[] = [];
    const result = this.member(object, member, 0, out);
    return { result, tree: out[0]! };
  }

  private start(subject: ResolvedSubject, context: CaveatContext | undefined, now: number, explain: boolean) {
    this.evaluator.refresh();
    this.subject = subject;
    this.context = context ?? {};
    this.now = now;
    this.path.reset();
    this.answered.clear();
    this.edgeAnswers.clear();
    this.explaining = explain;
    this.steps = 0;
  }

  private name(object: number): string {
    return object >= 0 ? this.evaluator.data.objectKeys.get(object) : "(no such object)";
  }

  private subjectText(): string {
    const s = this.subject;
    if (s.object < 0) return "the subject";
    const ref = this.evaluator.data.subjectRef(s.object, s.relation >= 0 ? s.relation : NO_RELATION);
    return `${ref.type}:${ref.id}${ref.relation ? `#${ref.relation}` : ""}`;
  }

  private member(
    object: number,
    member: MemberDef,
    depth: number,
    out: ExplainNode[] | undefined,
  ): CaveatResult {
    const subject = this.subject;
    const label = `${object >= 0 ? this.name(object) : "(unknown object)"}#${member.name}`;
    // A userset contains itself: `group:eng#member` is a member of `group:eng#member`.
    if (
      subject.relation !== NO_RELATION &&
      object === subject.object &&
      member.name === subject.relationName
    ) {
      out?.push(node("self", `${label} is the subject itself`, TRUE, []));
      return TRUE;
    }
    // What cannot meet a condition is answered by the two-valued walk, with its caches (a
    // user's memberships, what grants a folder): caveats cost only where they can be met.
    if (!this.explaining && !this.evaluator.meetsConditions(member))
      return this.evaluator.fastCheck(object, member, subject, depth) ? TRUE : FALSE;
    if (depth > this.evaluator.maxDepth) depthExceeded(this.evaluator, object, member);
    const step = stepKey(object, member.id);
    const known = this.explaining ? undefined : this.answered.get(step);
    if (
      known !== undefined &&
      known.depth >= depth &&
      (known.assumption === undefined || this.path.holds(known.assumption))
    )
      return known.result;
    // Explaining takes every step again (no remembered answers): bounded, as explain.ts's walk is.
    if (this.explaining) {
      if (++this.steps > MAX_EXPLAIN_STEPS) throw explainTooLarge();
    } else {
      if (++batchSteps.walked > batchSteps.until) throw batchTooLarge();
      if (++this.steps > MAX_CHECK_STEPS) throw checkTooLarge(label);
    }
    if (this.path.cut(step)) {
      out?.push(node("cycle", `${label} (already being evaluated: a cycle, not followed again)`, FALSE, []));
      return FALSE;
    }
    const mark = this.path.enter(step);
    const children: ExplainNode[] | undefined = out && [];
    const result =
      member.kind === "relation"
        ? this.relation(object, member, label, depth, children)
        : this.expression(object, member.expression, depth, children);
    const assumption = this.path.leave(mark);
    if (!this.explaining) this.answered.set(step, { depth, result, assumption });
    if (out && children) {
      if (member.kind === "relation") out.push(node("relation", label, result, children));
      else {
        // An operator's own node would repeat the permission's expression: hang its operands here.
        const only = children[0];
        const operator =
          only !== undefined &&
          children.length === 1 &&
          (only.step === "union" || only.step === "intersection" || only.step === "exclusion");
        out.push(
          node(
            "permission",
            `${label} = ${formatExpression(member.expression)}`,
            result,
            operator ? only.children : children,
          ),
        );
      }
    }
    return result;
  }

  /** The answer of one condition (caveat, expiration) on an edge; `TRUE` for a plain edge. */
  private edge(condition: EdgeCondition | undefined, out: ExplainNode[] | undefined): CaveatResult {
    if (condition === undefined) return TRUE;
    let result = this.edgeAnswers.get(condition);
    if (result === undefined) {
      result = this.evaluateCondition(condition);
      this.edgeAnswers.set(condition, result);
    }
    if (out) out.push(...this.conditionNodes(condition, result));
    return result;
  }

  private evaluateCondition(condition: EdgeCondition): CaveatResult {
    if (condition.expiresAtMs !== undefined && this.now >= condition.expiresAtMs) return FALSE;
    const named = condition.caveat;
    if (named === undefined) return TRUE;
    const caveat = this.evaluator.schema.caveats.get(named.name);
    // A relationship naming a caveat the schema does not have grants nothing: writes refuse
    // such relationships, and a grant must never widen because its condition is unknown.
    if (caveat === undefined) return FALSE;
    return evaluateCaveat(caveat, mergeContexts(named.context, this.context));
  }

  private conditionNodes(condition: EdgeCondition, result: CaveatResult): ExplainNode[] {
    const nodes: ExplainNode[] = [];
    if (condition.expiresAt !== undefined) {
      const expired = condition.expiresAtMs !== undefined && this.now >= condition.expiresAtMs;
      nodes.push(
        node(
          "expiration",
          expired ? `expired at ${condition.expiresAt}` : `expires at ${condition.expiresAt}`,
          expired ? FALSE : TRUE,
          [],
        ),
      );
      if (expired) return nodes;
    }
    const named = condition.caveat;
    if (named !== undefined) {
      const caveat = this.evaluator.schema.caveats.get(named.name);
      const context = mergeContexts(named.context, this.context);
      nodes.push({
        ...node(
          "caveat",
          // The label alone tells the whole story (surfaces that print labels only show it too).
          caveat
            ? `caveat \`${named.name}\`: ${caveat.expression.replace(/\s+/g, " ")} with ${JSON.stringify(context)}${result.kind === "conditional" ? ` (conditional: missing ${result.missing.map((m) => `\`${m}\``).join(", ")})` : ""}`
            : `caveat \`${named.name}\` (not in the schema)`,
          result,
          [],
        ),
        caveat: {
          name: named.name,
          expression: caveat?.expression ?? "",
          context,
          result: result.kind === "conditional" ? "conditional" : result.kind === "true",
        },
      });
    }
    return nodes;
  }

  private relation(
    object: number,
    relation: RelationDef,
    label: string,
    depth: number,
    out: ExplainNode[] | undefined,
  ): CaveatResult {
    const evaluator = this.evaluator;
    const slot = evaluator.slotOf(relation);
    if (slot < 0 || object < 0) return FALSE;
    const data = evaluator.data;
    const key = edgeKey(object, slot);
    const subject = this.subject;
    const results: CaveatResult[] = [];
    for (const value of iterate(data.direct.get(key))) {
      const plain = subject.relation === NO_RELATION && value === subject.object;
      if (!plain && (subject.wildcard < 0 || value !== subject.wildcard)) continue;
      const inner: ExplainNode[] | undefined = out && [];
      const result = this.edge(data.directConditions.get(key, value), inner);
      if (out && inner) {
        const text = plain
          ? `${this.subjectText()} is directly related`
          : `every ${data.typeNameOf(value)} through \`${this.name(value)}\``;
        out.push({
          ...node(plain ? "direct" : "wildcard", text, result, inner),
          relationship: `${label}@${this.name(value)}`,
        });
      }
      if (result.kind === "true") return TRUE;
      results.push(result);
    }
    for (const value of iterate(data.usersets.get(key))) {
      const next = keyObject(value);
      const userset = `${this.name(next)}#${data.relationNames[keyRelation(value)]}`;
      const inner: ExplainNode[] | undefined = out && [];
      const edge = this.edge(data.usersetConditions.get(key, value), inner);
      let result: CaveatResult;
      if (
        subject.relation >= 0 &&
        subject.object >= 0 &&
        value === edgeKey(subject.object, subject.relation)
      ) {
        result = edge;
        if (out && inner)
          out.push({
            ...node("direct", `${this.subjectText()} is directly related`, result, inner),
            relationship: `${label}@${userset}`,
          });
      } else {
        if (edge.kind === "false") {
          if (out && inner)
            out.push({ ...node("relation", userset, FALSE, inner), relationship: `${label}@${userset}` });
          continue;
        }
        const target = evaluator.usersetTarget(next, keyRelation(value));
        if (target === null) continue;
        const below: ExplainNode[] | undefined = out && [];
        result = allOf([edge, this.member(next, target, depth + 1, below)]);
        if (out && inner && below) out.push(...through([...inner, ...below], result, `${label}@${userset}`));
      }
      if (result.kind === "true") return TRUE;
      results.push(result);
    }
    return anyOf(results);
  }

  private expression(
    object: number,
    e: Expression,
    depth: number,
    out: ExplainNode[] | undefined,
  ): CaveatResult {
    if (e.op === "ref") return this.member(object, e.member, depth, out);
    const children: ExplainNode[] | undefined = out && [];
    const result = this.operator(object, e, depth, children);
    if (out && children) out.push(node(e.op, formatExpression(e), result, children));
    return result;
  }

  private operator(
    object: number,
    e: Expression,
    depth: number,
    out: ExplainNode[] | undefined,
  ): CaveatResult {
    switch (e.op) {
      case "nil":
      case "ref":
        return e.op === "ref" ? this.member(object, e.member, depth, out) : FALSE;
      case "self": {
        const s = this.subject;
        return s.relation === NO_RELATION && object === s.object ? TRUE : FALSE;
      }
      case "union": {
        const results: CaveatResult[] = [];
        for (const operand of e.operands) {
          const r = this.expression(object, operand, depth, out);
          if (r.kind === "true") return TRUE;
          results.push(r);
        }
        return anyOf(results);
      }
      case "intersection": {
        const results: CaveatResult[] = [];
        for (const operand of e.operands) {
          const r = this.expression(object, operand, depth, out);
          if (r.kind === "false") return FALSE;
          results.push(r);
        }
        return allOf(results);
      }
      case "exclusion": {
        const base = this.expression(object, e.base, depth, out);
        if (base.kind === "false") return FALSE;
        return allOf([base, negate(this.expression(object, e.subtracted, depth, out))]);
      }
      case "arrow":
        return this.arrow(object, e, depth, out);
    }
  }

  private arrow(
    object: number,
    e: Extract<Expression, { op: "arrow" }>,
    depth: number,
    out: ExplainNode[] | undefined,
  ): CaveatResult {
    const evaluator = this.evaluator;
    const slot = evaluator.slotOf(e.tupleset);
    if (slot < 0 || object < 0) return FALSE;
    const data = evaluator.data;
    const key = edgeKey(object, slot);
    const all = e.mode === "all";
    const results: CaveatResult[] = [];
    // The objects an arrow walks to: every subject of the tupleset relation, taken as the object
    // itself whether or not the relationship names a subject relation (as SpiceDB walks them).
    const steps: Array<{ next: number; condition: EdgeCondition | undefined }> = [];
    for (const next of iterate(data.direct.get(key)))
      steps.push({ next, condition: data.directConditions.get(key, next) });
    for (const value of iterate(data.usersets.get(key)))
      steps.push({ next: keyObject(value), condition: data.usersetConditions.get(key, value) });
    for (const { next, condition } of steps) {
      const relationship = `${this.name(object)}#${e.tupleset.name}@${this.name(next)}`;
      // An expired relationship is gone: SpiceDB's datastore no longer returns it, so an
      // `.all()` does not require its object either.
      if (condition?.expiresAtMs !== undefined && this.now >= condition.expiresAtMs) {
        if (out)
          out.push({ ...node("expiration", `expired at ${condition.expiresAt}`, FALSE, []), relationship });
        continue;
      }
      const inner: ExplainNode[] | undefined = out && [];
      const edge = this.edge(condition, inner);
      const type = evaluator.schemaTypeOf(next);
      const target = type === undefined ? undefined : e.computedByType.get(type.id);
      let result: CaveatResult;
      if (target === undefined) {
        result = FALSE;
        inner?.push(node("nil", `${this.name(next)} has no \`${e.computed}\``, FALSE, []));
      } else if (edge.kind === "false") result = FALSE;
      else result = allOf([edge, this.member(next, target, depth + 1, inner)]);
      if (out && inner) out.push(...through(inner, result, relationship));
      if (!all && result.kind === "true") return TRUE;
      if (all && result.kind === "false") return FALSE;
      results.push(result);
    }
    if (results.length === 0) return FALSE;
    return all ? allOf(results) : anyOf(results);
  }
}

/** An explain node with a three-valued answer (`conditional` names the missing parameters). */
function node(
  step: ExplainNode["step"],
  label: string,
  result: CaveatResult,
  children: readonly ExplainNode[],
): ExplainNode {
  return result.kind === "conditional"
    ? { step, label, result: false, conditional: result.missing, children }
    : { step, label, result: result.kind === "true", children };
}

/**
 * The nodes of a step along one relationship: the condition nodes of the edge and the node of
 * the object reached, marked with the relationship. With a condition, they are grouped under one
 * node with the answer of the whole step (the edge AND what lies beyond it).
 */
function through(nodes: ExplainNode[], result: CaveatResult, relationship: string): ExplainNode[] {
  const last = nodes[nodes.length - 1];
  if (nodes.length === 1 && last !== undefined) return [{ ...last, relationship }];
  return [{ ...node("relation", `along ${relationship}`, result, nodes), relationship }];
}
