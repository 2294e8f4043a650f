import { Diagnostics, GatehouseError, inputError } from "../../model/errors.js";
import { formatRelationship, parseRelationship } from "../../model/relationship.js";
const FILTER_KEYS = [
    "resourceType",
    "resourceId",
    "relation",
    "subjectType",
    "subjectId",
    "subjectRelation",
];
/**
 * Checks a spec and returns its JSON. Every relationship must read back as written, so each is
 * put through the tuple parser here, once, instead of failing later when the change is read.
 */
export function specToJson(spec) {
    const problems = new Diagnostics();
    if (typeof spec !== "object" || spec === null)
        throw inputError("invalid change spec", { field: "spec" });
    const json = {
        writes: tuples(spec.writes, "spec.writes", problems),
        deletes: tuples(spec.deletes, "spec.deletes", problems),
        deleteWhere: filters(spec.deleteWhere, problems),
        schema: spec.schema ?? null,
    };
    if (json.schema !== null && typeof json.schema !== "string") {
        problems.add("invalid schema: expected text or null", { field: "spec.schema" });
    }
    problems.throwIfAny("invalid change spec");
    return JSON.stringify(json);
}
export function specFromJson(text) {
    const json = JSON.parse(text);
    return {
        writes: json.writes.map((t) => parseRelationship(t)),
        deletes: json.deletes.map((t) => parseRelationship(t)),
        deleteWhere: json.deleteWhere,
        schema: json.schema,
    };
}
export function appliedToJson(applied) {
    const json = {
        created: applied.created.map(formatRelationship),
        deleted: applied.deleted.map(formatRelationship),
        schemaVersion: applied.schemaVersion,
    };
    return JSON.stringify(json);
}
export function appliedFromJson(text) {
    const json = JSON.parse(text);
    return {
        created: json.created.map((t) => parseRelationship(t)),
        deleted: json.deleted.map((t) => parseRelationship(t)),
        schemaVersion: json.schemaVersion,
    };
}
function tuples(list, field, problems) {
    if (!Array.isArray(list)) {
        problems.add("expected a list of relationships", { field });
        return [];
    }
    const out = [];
    list.forEach((r, i) => {
        try {
            // Formatting and parsing again both checks the names and normalises `#...` away.
            out.push(formatRelationship(parseRelationship(formatRelationship(r))));
        }
        catch (error) {
            const message = error instanceof GatehouseError ? error.message : "expected a relationship";
            problems.add(message, { field: `${field}[${i}]` });
        }
    });
    return out;
}
/** Keeps the filter's known fields only; `subjectRelation: null` ("no relation") survives JSON. */
function filters(list, problems) {
    if (!Array.isArray(list)) {
        problems.add("expected a list of filters", { field: "spec.deleteWhere" });
        return [];
    }
    return list.map((filter, i) => {
        const out = {};
        for (const key of FILTER_KEYS) {
            const value = filter?.[key];
            if (value === undefined)
                continue;
            if (typeof value === "string" || (value === null && key === "subjectRelation"))
                out[key] = value;
            else
                problems.add(`invalid \`${key}\`: expected text`, { field: `spec.deleteWhere[${i}].${key}` });
        }
        return out;
    });
}
//# sourceMappingURL=change-json.js.map