import { GatehouseError } from "../model/errors.js";
import type { Expression, MemberDef, RelationDef } from "../schema/compiled.js";
import { formatExpression } from "../schema/format-expression.js";
import { iterate, listHas, NO_RELATION } from "./data-index.js";
import { edgeKey, keyObject, keyRelation, stepKey } from "./encodings.js";
import type { Evaluator } from "./evaluator.js";
import { depthExceeded } from "./limits.js";
import type { ResolvedSubject } from "./subject.js";

/**
 * A proof of why a check holds, or of why it does not. Each node is one step of the
 * evaluation; `relationship` names the stored relationship a step relied on.
 */
export interface ExplainNode {
  readonly step:
    | "permission"
    | "relation"
    | "union"
    | "intersection"
    | "exclusion"
    | "arrow"
    | "nil"
    | "direct"
    | "wildcard"
    | "self"
    | "cycle";
  /** `document:readme#view`, `viewer - banned`, `parent->view` ... */
  readonly label: string;
  readonly result: boolean;
  readonly relationship?: string;
  readonly children: readonly ExplainNode[];
}

/**
 * Explains a check from the evaluator's own answer: the check runs first (so a question past the
 * depth limit fails here with the very error the check gives), then the tree walks the same steps
 * in the same order as `Evaluator.check`, with the same shortcuts and the same hop counting: its
 * operands in evaluation order, a union stopping at its first granted branch and an intersection
 * at its first denied one, and a userset that the (plain) subject's memberships answer shown as
 * the shortest chain of nested usersets down to the subject, found without walking below it. So
 * the tree is a proof of exactly the answer the check gives. Tests hold the two to the same
 * answers, and to the same depth errors.
 */
export function explainCheck(
  evaluator: Evaluator,
  object: number,
  member: MemberDef,
  subject: ResolvedSubject,
): ExplainNode {
  const allowed = evaluator.check(object, member, subject);
  const data = evaluator.data;
  const path: number[] = [];
  const name = (o: number) => (o >= 0 ? data.objectKeys[o]! : "(no such object)");
  const subjectText = (() => {
    if (subject.object < 0) return "the subject";
    const ref = data.subjectRef(subject.object, subject.relation >= 0 ? subject.relation : NO_RELATION);
    return `${ref.type}:${ref.id}${ref.relation ? `#${ref.relation}` : ""}`;
  })();

  const visitMember = (o: number, m: MemberDef, depth: number): ExplainNode => {
    const label = `${o >= 0 ? name(o) : "(unknown object)"}#${m.name}`;
    if (subject.relation !== NO_RELATION && o === subject.object && m.name === subject.relationName) {
      return { step: "self", label: `${label} is the subject itself`, result: true, children: [] };
    }
    if (depth > evaluator.maxDepth) depthExceeded(evaluator, o, m);
    const key = stepKey(o, m.id);
    if (path.includes(key)) {
      return {
        step: "cycle",
        label: `${label} (already being evaluated: a cycle, not followed again)`,
        result: false,
        children: [],
      };
    }
    path.push(key);
    let node: ExplainNode;
    if (m.kind === "relation") {
      node = visitRelation(o, m, label, depth);
    } else {
      const child = visitExpression(o, evaluator.evaluationOrder(m), depth);
      // An operator's own node would repeat the permission's expression: hang its operands here.
      const operator = child.step === "union" || child.step === "intersection" || child.step === "exclusion";
      node = {
        step: "permission",
        label: `${label} = ${formatExpression(m.expression)}`,
        result: child.result,
        children: operator ? child.children : [child],
      };
    }
    path.pop();
    return node;
  };

  const visitRelation = (o: number, r: RelationDef, label: string, depth: number): ExplainNode => {
    const slot = evaluator.slotOf(r);
    const children: ExplainNode[] = [];
    const done = (result: boolean): ExplainNode => ({ step: "relation", label, result, children });
    if (slot < 0 || o < 0) return done(false);
    const key = edgeKey(o, slot);
    const direct = data.direct.get(key);
    if (subject.relation === NO_RELATION) {
      if (listHas(direct, subject.object)) {
        children.push({
          step: "direct",
          label: `${subjectText} is directly related`,
          result: true,
          relationship: `${label}@${subjectText}`,
          children: [],
        });
        return done(true);
      }
    }
    if (subject.wildcard >= 0 && listHas(direct, subject.wildcard)) {
      const wildcard = name(subject.wildcard);
      children.push({
        step: "wildcard",
        label: `every ${wildcard.slice(0, wildcard.indexOf(":"))} through \`${wildcard}\``,
        result: true,
        relationship: `${label}@${wildcard}`,
        children: [],
      });
      return done(true);
    }
    const usersets = data.usersets.get(key);
    if (usersets === undefined) return done(false);
    if (
      subject.relation >= 0 &&
      subject.object >= 0 &&
      listHas(usersets, edgeKey(subject.object, subject.relation))
    ) {
      children.push({
        step: "direct",
        label: `${subjectText} is directly related`,
        result: true,
        relationship: `${label}@${subjectText}`,
        children: [],
      });
      return done(true);
    }
    for (const value of iterate(usersets)) {
      const next = keyObject(value);
      const relationSlot = keyRelation(value);
      const userset = `${name(next)}#${data.relationNames[relationSlot]}`;
      if (evaluator.usesMemberships) {
        const hops = evaluator.hopsInto(value);
        if (hops >= 0) {
          evaluator.countMembershipHops(value, depth, hops);
          children.push(through(membershipProof(value), `${label}@${userset}`));
          return done(true);
        }
      }
      const target = evaluator.usersetTarget(next, relationSlot);
      if (target === null) continue;
      if (evaluator.answeredByMemberships(target)) {
        children.push({
          step: "relation",
          label: `${userset} (${subjectText} is not in it, nor in any userset nested in it)`,
          result: false,
          relationship: `${label}@${userset}`,
          children: [],
        });
        continue;
      }
      const inner = visitMember(next, target, depth + 1);
      children.push(through(inner, `${label}@${userset}`));
      if (inner.result) return done(true);
    }
    return done(false);
  };

  /**
   * The chain of nested usersets from the membership `key` down to the relation that names the
   * subject (or its wildcard) directly, as the nodes a walk down it would give. Built from the
   * bottom up, without recursion.
   */
  const membershipProof = (key: number): ExplainNode => {
    const chain = evaluator.membershipChain(key);
    const labelOf = (k: number) => {
      return `${name(keyObject(k))}#${data.relationNames[keyRelation(k)]}`;
    };
    const last = chain[chain.length - 1]!;
    const lastLabel = labelOf(last);
    const direct = data.direct.get(last);
    let leaf: ExplainNode;
    if (subject.object >= 0 && listHas(direct, subject.object)) {
      leaf = {
        step: "direct",
        label: `${subjectText} is directly related`,
        result: true,
        relationship: `${lastLabel}@${subjectText}`,
        children: [],
      };
    } else {
      const wildcard = name(subject.wildcard);
      leaf = {
        step: "wildcard",
        label: `every ${wildcard.slice(0, wildcard.indexOf(":"))} through \`${wildcard}\``,
        result: true,
        relationship: `${lastLabel}@${wildcard}`,
        children: [],
      };
    }
    let node: ExplainNode = { step: "relation", label: lastLabel, result: true, children: [leaf] };
    for (let i = chain.length - 2; i >= 0; i--) {
      const label = labelOf(chain[i]!);
      node = {
        step: "relation",
        label,
        result: true,
        children: [through(node, `${label}@${labelOf(chain[i + 1]!)}`)],
      };
    }
    return node;
  };

  const visitExpression = (o: number, e: Expression, depth: number): ExplainNode => {
    const label = formatExpression(e);
    switch (e.op) {
      case "nil":
        return { step: "nil", label, result: false, children: [] };
      case "ref":
        return visitMember(o, e.member, depth);
      case "union":
      case "intersection": {
        const children: ExplainNode[] = [];
        const stopOn = e.op === "union";
        for (const operand of e.operands) {
          const child = visitExpression(o, operand, depth);
          children.push(child);
          if (child.result === stopOn) return { step: e.op, label, result: stopOn, children };
        }
        return { step: e.op, label, result: !stopOn, children };
      }
      case "exclusion": {
        const base = visitExpression(o, e.base, depth);
        if (!base.result) return { step: "exclusion", label, result: false, children: [base] };
        const subtracted = visitExpression(o, e.subtracted, depth);
        return { step: "exclusion", label, result: !subtracted.result, children: [base, subtracted] };
      }
      case "arrow": {
        const slot = evaluator.slotOf(e.tupleset);
        const children: ExplainNode[] = [];
        const all = e.mode === "all";
        if (slot < 0 || o < 0) return { step: "arrow", label, result: false, children };
        for (const next of evaluator.arrowTargets(edgeKey(o, slot))) {
          const type = evaluator.schemaTypeOf(next);
          const target = type === undefined ? undefined : e.computedByType.get(type.id);
          const via = `${name(o)}#${e.tupleset.name}@${name(next)}`;
          const inner =
            target === undefined
              ? {
                  step: "nil" as const,
                  label: `${name(next)} has no \`${e.computed}\``,
                  result: false,
                  children: [],
                }
              : visitMember(next, target, depth + 1);
          children.push(through(inner, via));
          if (inner.result && !all) return { step: "arrow", label, result: true, children };
          if (!inner.result && all) return { step: "arrow", label, result: false, children };
        }
        return { step: "arrow", label, result: all && children.length > 0, children };
      }
    }
  };

  const tree = visitMember(object, member, 0);
  if (tree.result !== allowed) {
    // The two walks share their steps; a difference is a defect, never an answer to show.
    throw new GatehouseError(
      "internal",
      `explain of ${name(object)}#${member.name} for ${subjectText} disagrees with the check (${allowed})`,
    );
  }
  return tree;
}

/** A step to another object: that object's own node, marked with the relationship that led there. */
function through(inner: ExplainNode, relationship: string): ExplainNode {
  return { ...inner, relationship };
}
