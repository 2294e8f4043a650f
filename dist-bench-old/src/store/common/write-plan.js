import { Diagnostics, GatehouseError } from "../../model/errors.js";
import { formatRelationship } from "../../model/relationship.js";
import { subjectRelationColumn, toRelationship, tupleOf, tupleProblem } from "./tuples.js";
/** Checks every update (an empty list is the caller's to judge) and normalises the relationships. */
export function planUpdates(updates) {
    const problems = new Diagnostics();
    const seen = new Map();
    const planned = [];
    updates.forEach(({ operation, relationship: r }, i) => {
        const field = `updates[${i}]`;
        if (operation !== "create" && operation !== "touch" && operation !== "delete") {
            problems.add(`unknown operation \`${operation}\`: expected \`create\`, \`touch\` or \`delete\``, {
                field,
            });
            return;
        }
        const sr = subjectRelationColumn(r.subject.relation);
        const relationship = toRelationship(r.resource.type, r.resource.id, r.relation, r.subject.type, r.subject.id, sr);
        const name = formatRelationship(relationship);
        const problem = tupleProblem(r, sr);
        if (problem !== undefined) {
            problems.add(`invalid relationship \`${name}\`: ${problem}`, { field });
            return;
        }
        const earlier = seen.get(name);
        if (earlier !== undefined) {
            problems.add(`relationship \`${name}\` appears more than once in one write (also ${earlier})`, {
                field,
            });
            return;
        }
        seen.set(name, field);
        planned.push({ operation, relationship, tuple: tupleOf(relationship), field });
    });
    problems.throwIfAny("invalid relationship write");
    return planned;
}
export function updateConflict(update, what) {
    return new GatehouseError("conflict", `relationship \`${formatRelationship(update.relationship)}\` ${what}`, {
        field: update.field,
    });
}
/** One error for all the conflicts of a write: the first one's message, all of them as details. */
export function combineConflicts(conflicts) {
    const first = conflicts[0];
    if (conflicts.length === 1)
        return first;
    const more = conflicts.length - 1;
    return new GatehouseError("conflict", `${first.message} (and ${more} more conflict${more === 1 ? "" : "s"})`, first.place, conflicts);
}
//# sourceMappingURL=write-plan.js.map