import { Diagnostics, GatehouseError } from "../model/errors.js";
import { formatRelationship } from "../model/relationship.js";
import { validateRelationship } from "../schema/validate-relationship.js";
import { resolveTarget } from "./deletion.js";
import { liveRelationships, parseSubjectTarget, subjectFilters } from "./subject-target.js";
/** The object (`type:id`) a plan row's subject or resource names, without any relation. */
export function objectOf(text) {
    const hash = text.indexOf("#");
    return hash < 0 ? text : text.slice(0, hash);
}
/** Rows about FROM or INTO themselves, which a merge changes by design. */
export function mergeExempt(row, objects) {
    return objects.includes(objectOf(row.subject)) || objects.includes(objectOf(row.resource));
}
export function mergeFacts(from, into, moved, gained, lost) {
    const both = [from, into];
    return {
        from,
        into,
        moved,
        intoGains: gained.filter((r) => objectOf(r.subject) === into || objectOf(r.resource) === into),
        othersChanged: [...gained, ...lost].filter((r) => !mergeExempt(r, both)).length,
    };
}
export async function proposeMerge(context, fromText, intoText, options) {
    // The tenant must exist, as for a deletion; the subjects are read in it.
    await resolveTarget(context, "tenant", options.tenant, options.tenant);
    const schema = context.engine.requireSchema();
    const from = parseSubjectTarget(fromText, schema, "from");
    const into = parseSubjectTarget(intoText, schema, "into");
    const fromKey = `${from.type}:${from.id}`;
    const intoKey = `${into.type}:${into.id}`;
    if (fromKey === intoKey)
        throw new GatehouseError("input", `cannot merge \`${fromKey}\` into itself`, { field: "into" });
    if (from.type !== into.type) {
        throw new GatehouseError("input", `cannot merge \`${fromKey}\` into \`${intoKey}\`: a duplicate is merged into a subject of the same type`, { field: "into" });
    }
    const live = await liveRelationships(context.store, options.tenant, subjectFilters(from));
    if (live.length === 0) {
        throw new GatehouseError("not_found", `nothing to merge: \`${fromKey}\` has no live relationships in tenant \`${options.tenant}\``, { field: "from" });
    }
    const swap = (o) => (o.type === from.type && o.id === from.id ? into : o);
    const writes = new Map();
    const diagnostics = new Diagnostics();
    for (const r of live) {
        const moved = {
            resource: swap(r.resource),
            relation: r.relation,
            subject: { ...r.subject, ...swap(r.subject) },
        };
        try {
            validateRelationship(schema, moved);
            writes.set(formatRelationship(moved), moved);
        }
        catch (error) {
            if (!(error instanceof GatehouseError))
                throw error;
            diagnostics.errors.push(error);
        }
    }
    diagnostics.throwIfAny("nothing was proposed: some relationships cannot move");
    const reason = options.reason ?? `merge duplicate ${fromKey} into ${intoKey}`;
    const { change } = await context.store.createLifecycleChange({
        tenant: options.tenant,
        intent: "merge",
        reason,
        author: options.actor,
        spec: { writes: [...writes.values()], deletes: live, deleteWhere: [], schema: null },
    }, { kind: "merge", scope: "subject", tenant: options.tenant, target: fromKey, details: { into: intoKey } }, {
        actor: options.actor,
        action: "change.propose",
        tenant: options.tenant,
        target: "change",
        reason,
        details: { intent: "merge", from: fromKey, into: intoKey, relationships: live.length },
    });
    return change;
}
//# sourceMappingURL=merge.js.map