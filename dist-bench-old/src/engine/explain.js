import { formatExpression } from "../schema/format-expression.js";
import { iterate, listHas, NO_RELATION, RELATION_SLOTS } from "./data-index.js";
import { depthExceeded } from "./limits.js";
/**
 * Explains a check by walking the same steps, in the same order, as `Evaluator.check`: a union
 * stops at its first granted branch and an intersection at its first denied one, so the tree is
 * a proof of exactly the answer the check gives. Tests hold the two to the same answers.
 */
export function explainCheck(evaluator, object, member, subject) {
    evaluator.refresh();
    const data = evaluator.data;
    const path = [];
    const name = (o) => (o >= 0 ? data.objectKeys[o] : "(no such object)");
    const subjectText = (() => {
        if (subject.object < 0)
            return "the subject";
        const ref = data.subjectRef(subject.object, subject.relation >= 0 ? subject.relation : NO_RELATION);
        return `${ref.type}:${ref.id}${ref.relation ? `#${ref.relation}` : ""}`;
    })();
    const visitMember = (o, m, depth) => {
        const label = `${o >= 0 ? name(o) : "(unknown object)"}#${m.name}`;
        if (subject.relation !== NO_RELATION && o === subject.object && m.name === subject.relationName) {
            return { step: "self", label: `${label} is the subject itself`, result: true, children: [] };
        }
        if (depth > evaluator.maxDepth)
            depthExceeded(evaluator, o, m);
        const key = o * 65536 + m.id;
        if (path.includes(key)) {
            return {
                step: "cycle",
                label: `${label} (already being evaluated: a cycle, not followed again)`,
                result: false,
                children: [],
            };
        }
        path.push(key);
        let node;
        if (m.kind === "relation") {
            node = visitRelation(o, m, label, depth);
        }
        else {
            const child = visitExpression(o, m.expression, depth);
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
    const visitRelation = (o, r, label, depth) => {
        const slot = evaluator.slotOf(r);
        const children = [];
        const done = (result) => ({ step: "relation", label, result, children });
        if (slot < 0 || o < 0)
            return done(false);
        const key = o * RELATION_SLOTS + slot;
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
        if (usersets === undefined)
            return done(false);
        if (subject.relation >= 0 &&
            subject.object >= 0 &&
            listHas(usersets, subject.object * RELATION_SLOTS + subject.relation)) {
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
            const next = Math.floor(value / RELATION_SLOTS);
            const relationSlot = value - next * RELATION_SLOTS;
            const target = evaluator.usersetTarget(next, relationSlot);
            const userset = `${name(next)}#${data.relationNames[relationSlot]}`;
            if (target === null)
                continue;
            const inner = visitMember(next, target, depth + 1);
            children.push(through(inner, `${label}@${userset}`));
            if (inner.result)
                return done(true);
        }
        return done(false);
    };
    const visitExpression = (o, e, depth) => {
        const label = formatExpression(e);
        switch (e.op) {
            case "nil":
                return { step: "nil", label, result: false, children: [] };
            case "ref":
                return visitMember(o, e.member, depth);
            case "union":
            case "intersection": {
                const children = [];
                const stopOn = e.op === "union";
                for (const operand of e.operands) {
                    const child = visitExpression(o, operand, depth);
                    children.push(child);
                    if (child.result === stopOn)
                        return { step: e.op, label, result: stopOn, children };
                }
                return { step: e.op, label, result: !stopOn, children };
            }
            case "exclusion": {
                const base = visitExpression(o, e.base, depth);
                if (!base.result)
                    return { step: "exclusion", label, result: false, children: [base] };
                const subtracted = visitExpression(o, e.subtracted, depth);
                return { step: "exclusion", label, result: !subtracted.result, children: [base, subtracted] };
            }
            case "arrow": {
                const slot = evaluator.slotOf(e.tupleset);
                const children = [];
                const all = e.mode === "all";
                if (slot < 0 || o < 0)
                    return { step: "arrow", label, result: false, children };
                for (const next of evaluator.arrowTargets(o * RELATION_SLOTS + slot)) {
                    const type = evaluator.schemaTypeOf(next);
                    const target = type === undefined ? undefined : e.computedByType.get(type.id);
                    const via = `${name(o)}#${e.tupleset.name}@${name(next)}`;
                    const inner = target === undefined
                        ? {
                            step: "nil",
                            label: `${name(next)} has no \`${e.computed}\``,
                            result: false,
                            children: [],
                        }
                        : visitMember(next, target, depth + 1);
                    children.push(through(inner, via));
                    if (inner.result && !all)
                        return { step: "arrow", label, result: true, children };
                    if (!inner.result && all)
                        return { step: "arrow", label, result: false, children };
                }
                return { step: "arrow", label, result: all && children.length > 0, children };
            }
        }
    };
    return visitMember(object, member, 0);
}
/** A step to another object: that object's own node, marked with the relationship that led there. */
function through(inner, relationship) {
    return { ...inner, relationship };
}
//# sourceMappingURL=explain.js.map