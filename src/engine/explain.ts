import { GatehouseError } from "../model/errors.js";
import type { CaveatContext } from "../schema/caveats/context-values.js";
import type { Expression, MemberDef } from "../schema/compiled.js";
import { formatExpression } from "../schema/format-expression.js";
import { listHas, NO_RELATION } from "./data-index.js";
import { keyObject, keyRelation } from "./encodings.js";
import type { CheckTrace, Evaluator } from "./evaluator.js";
import type { ExplainNode } from "./explain-node.js";
import { explainTooLarge, MAX_EXPLAIN_STEPS } from "./limits.js";
import type { ResolvedSubject } from "./subject.js";

export type { ExplainedCaveat, ExplainNode } from "./explain-node.js";

/**
 * Explains a check from the evaluator's own walk: the check runs first (so a question past the
 * depth limit fails here with the very error the check gives), then the evaluator takes the same
 * check again with a trace (`Evaluator.trace`), taking every step instead of its remembered
 * answers and grant closures, and the tree is built from the steps it reports: its operands in
 * evaluation order, a union stopping at its first granted branch and an intersection at its
 * first denied one, and a userset that the (plain) subject's memberships answer shown as the
 * shortest chain of nested usersets down to the subject, found without walking below it. So the
 * tree is a proof of exactly the answer the check gives, read from the edges the way the check
 * reads them.
 */
export function explainCheck(
  evaluator: Evaluator,
  object: number,
  member: MemberDef,
  subject: ResolvedSubject,
  context?: CaveatContext,
): ExplainNode {
  // Over caveated or expiring data the three-valued walk answers, and builds its tree as it goes.
  if (evaluator.data.conditionCount > 0) {
    const answer = evaluator.decide(object, member, subject, context);
    const { result, tree } = evaluator
      .conditionalCheck()
      .explain(object, member, subject, context, evaluator.now());
    if (result.kind !== answer.kind)
      throw new GatehouseError(
        "internal",
        `explain of ${member.name} disagrees with the check (${answer.kind})`,
      );
    return tree;
  }
  const allowed = evaluator.check(object, member, subject);
  const tree = new ExplainTree(evaluator, subject);
  const traced = evaluator.trace(object, member, subject, tree);
  const root = tree.root;
  if (root === undefined || root.result !== allowed || traced !== allowed) {
    // The traced walk is the check's own; a difference is a defect, never an answer to show.
    throw new GatehouseError(
      "internal",
      `explain of ${tree.name(object)}#${member.name} for ${tree.subjectText} disagrees with the check (${allowed})`,
    );
  }
  return root;
}

/** A step entered and not yet left: a node whose children are still coming. */
interface OpenStep {
  readonly object: number;
  /** The member entered (`enterMember`), or undefined for an expression. */
  readonly member: MemberDef | undefined;
  /** The expression entered (`enterExpression`), or undefined for a member. */
  readonly expression: Expression | undefined;
  /** `document:readme#view` for a member. */
  readonly label: string;
  /** The relationship that led here (see `through`). */
  readonly relationship: string | undefined;
  readonly children: ExplainNode[];
}

/** Builds the explain tree from a traced check's steps (see `CheckTrace`). */
class ExplainTree implements CheckTrace {
  root: ExplainNode | undefined;
  readonly subjectText: string;
  readonly #evaluator: Evaluator;
  readonly #subject: ResolvedSubject;
  readonly #open: OpenStep[] = [];
  /** The relationship the next node is reached by (`userset`, `arrowTo`). */
  #via: string | undefined;
  /** Steps entered so far: the walk stops past `MAX_EXPLAIN_STEPS` (see there). */
  #steps = 0;

  constructor(evaluator: Evaluator, subject: ResolvedSubject) {
    this.#evaluator = evaluator;
    this.#subject = subject;
    if (subject.object < 0) this.subjectText = "the subject";
    else {
      const ref = evaluator.data.subjectRef(
        subject.object,
        subject.relation >= 0 ? subject.relation : NO_RELATION,
      );
      this.subjectText = `${ref.type}:${ref.id}${ref.relation ? `#${ref.relation}` : ""}`;
    }
  }

  name(object: number): string {
    return object >= 0 ? this.#evaluator.data.objectKeys.get(object) : "(no such object)";
  }

  /** `group:eng#member` for the edge key of a relation (a userset subject). */
  #keyLabel(key: number): string {
    return `${this.name(keyObject(key))}#${this.#evaluator.data.relationNames[keyRelation(key)]}`;
  }

  #memberLabel(object: number, member: MemberDef): string {
    return `${object >= 0 ? this.name(object) : "(unknown object)"}#${member.name}`;
  }

  /** The step entered last: a relation's steps name it, an arrow's steps start from its object. */
  get #top(): OpenStep {
    return this.#open[this.#open.length - 1]!;
  }

  /** Adds a finished node under the step entered last, reached by the pending relationship. */
  #add(node: ExplainNode): void {
    const via = this.#via;
    this.#via = undefined;
    const placed = via === undefined ? node : through(node, via);
    if (this.#open.length === 0) this.root = placed;
    else this.#top.children.push(placed);
  }

  #enter(object: number, member: MemberDef | undefined, expression: Expression | undefined): void {
    if (++this.#steps > MAX_EXPLAIN_STEPS) throw explainTooLarge();
    const label = member === undefined ? "" : this.#memberLabel(object, member);
    this.#open.push({ object, member, expression, label, relationship: this.#via, children: [] });
    this.#via = undefined;
  }

  self(object: number, member: MemberDef): void {
    const label = `${this.#memberLabel(object, member)} is the subject itself`;
    this.#add({ step: "self", label, result: true, children: [] });
  }

  cycle(object: number, member: MemberDef): void {
    this.#add({
      step: "cycle",
      label: `${this.#memberLabel(object, member)} (already being evaluated: a cycle, not followed again)`,
      result: false,
      children: [],
    });
  }

  enterMember(object: number, member: MemberDef): void {
    this.#enter(object, member, undefined);
  }

  enterExpression(object: number, e: Expression): void {
    this.#enter(object, undefined, e);
  }

  leave(result: boolean): void {
    const open = this.#open.pop()!;
    const node = nodeOf(open, result);
    this.#add(open.relationship === undefined ? node : through(node, open.relationship));
  }

  direct(): void {
    const label = this.#top.label;
    this.#add({
      step: "direct",
      label: `${this.subjectText} is directly related`,
      result: true,
      relationship: `${label}@${this.subjectText}`,
      children: [],
    });
  }

  wildcard(): void {
    this.#add(this.#wildcardLeaf(this.#top.label));
  }

  #wildcardLeaf(relation: string): ExplainNode {
    const wildcard = this.name(this.#subject.wildcard);
    return {
      step: "wildcard",
      label: `every ${wildcard.slice(0, wildcard.indexOf(":"))} through \`${wildcard}\``,
      result: true,
      relationship: `${relation}@${wildcard}`,
      children: [],
    };
  }

  member(value: number): void {
    this.#add(through(this.#membershipProof(value), `${this.#top.label}@${this.#keyLabel(value)}`));
  }

  notMember(value: number): void {
    const userset = this.#keyLabel(value);
    this.#add({
      step: "relation",
      label: `${userset} (${this.subjectText} is not in it, nor in any userset nested in it)`,
      result: false,
      relationship: `${this.#top.label}@${userset}`,
      children: [],
    });
  }

  userset(value: number): void {
    this.#via = `${this.#top.label}@${this.#keyLabel(value)}`;
  }

  arrowTo(next: number): void {
    const arrow = this.#top;
    const tupleset = arrow.expression?.op === "arrow" ? arrow.expression.tupleset.name : "";
    this.#via = `${this.name(arrow.object)}#${tupleset}@${this.name(next)}`;
  }

  noComputed(next: number): void {
    const e = this.#top.expression;
    const computed = e?.op === "arrow" ? e.computed : "";
    this.#add({
      step: "nil",
      label: `${this.name(next)} has no \`${computed}\``,
      result: false,
      children: [],
    });
  }

  /**
   * The chain of nested usersets from the membership `key` down to the relation that names the
   * subject (or its wildcard) directly, as the nodes a walk down it would give. Built from the
   * bottom up, without recursion.
   */
  #membershipProof(key: number): ExplainNode {
    const evaluator = this.#evaluator;
    const subject = this.#subject;
    const chain = evaluator.membershipChain(key);
    const last = chain[chain.length - 1]!;
    const lastLabel = this.#keyLabel(last);
    const leaf: ExplainNode =
      subject.object >= 0 && listHas(evaluator.data.direct.get(last), subject.object)
        ? {
            step: "direct",
            label: `${this.subjectText} is directly related`,
            result: true,
            relationship: `${lastLabel}@${this.subjectText}`,
            children: [],
          }
        : this.#wildcardLeaf(lastLabel);
    let node: ExplainNode = { step: "relation", label: lastLabel, result: true, children: [leaf] };
    for (let i = chain.length - 2; i >= 0; i--) {
      const label = this.#keyLabel(chain[i]!);
      node = {
        step: "relation",
        label,
        result: true,
        children: [through(node, `${label}@${this.#keyLabel(chain[i + 1]!)}`)],
      };
    }
    return node;
  }
}

/** The node of a step once it is left with its answer. */
function nodeOf(open: OpenStep, result: boolean): ExplainNode {
  const { member, children } = open;
  if (member?.kind === "relation") return { step: "relation", label: open.label, result, children };
  if (member !== undefined) {
    // An operator's own node would repeat the permission's expression: hang its operands here.
    const child = children[0];
    const operator =
      child !== undefined &&
      children.length === 1 &&
      (child.step === "union" || child.step === "intersection" || child.step === "exclusion");
    return {
      step: "permission",
      label: `${open.label} = ${formatExpression(member.expression)}`,
      result,
      children: operator ? child.children : children,
    };
  }
  const e = open.expression!;
  // A reference is never entered (the member it names is), so this is `nil`, an operator or an arrow.
  const step = e.op === "ref" ? "nil" : e.op;
  return { step, label: formatExpression(e), result, children };
}

/** A step to another object: that object's own node, marked with the relationship that led there. */
function through(inner: ExplainNode, relationship: string): ExplainNode {
  return { ...inner, relationship };
}
