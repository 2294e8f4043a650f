import { Diagnostics, GatehouseError, inputError } from "../../model/errors.js";
import { formatRelationship, parseRelationship, type Relationship } from "../../model/relationship.js";
import type { ChangeRecord, ChangeSpec } from "../change-records.js";
import type { RelationshipFilter } from "../store.js";

/**
 * The JSON columns of `changes`. Relationships are stored in tuple syntax
 * (`document:a#viewer@group:eng#member`) rather than as nested objects, so that the JSON reads
 * like the change file a person wrote and stays small.
 */

type Applied = NonNullable<ChangeRecord["applied"]>;

interface SpecJson {
  readonly writes: readonly string[];
  readonly deletes: readonly string[];
  readonly deleteWhere: readonly RelationshipFilter[];
  readonly schema: string | null;
}

interface AppliedJson {
  readonly created: readonly string[];
  readonly deleted: readonly string[];
  readonly schemaVersion: number | null;
}

const FILTER_KEYS = [
  "resourceType",
  "resourceId",
  "relation",
  "subjectType",
  "subjectId",
  "subjectRelation",
] as const satisfies readonly (keyof RelationshipFilter)[];

/**
 * Checks a spec and returns its JSON. Every relationship must read back as written, so each is
 * put through the tuple parser here, once, instead of failing later when the change is read.
 */
export function specToJson(spec: ChangeSpec): string {
  const problems = new Diagnostics();
  if (typeof spec !== "object" || spec === null) throw inputError("invalid change spec", { field: "spec" });
  const json: SpecJson = {
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

export function specFromJson(text: string): ChangeSpec {
  const json = JSON.parse(text) as SpecJson;
  return {
    writes: json.writes.map((t) => parseRelationship(t)),
    deletes: json.deletes.map((t) => parseRelationship(t)),
    deleteWhere: json.deleteWhere,
    schema: json.schema,
  };
}

export function appliedToJson(applied: Applied): string {
  const json: AppliedJson = {
    created: applied.created.map(formatRelationship),
    deleted: applied.deleted.map(formatRelationship),
    schemaVersion: applied.schemaVersion,
  };
  return JSON.stringify(json);
}

export function appliedFromJson(text: string): Applied {
  const json = JSON.parse(text) as AppliedJson;
  return {
    created: json.created.map((t) => parseRelationship(t)),
    deleted: json.deleted.map((t) => parseRelationship(t)),
    schemaVersion: json.schemaVersion,
  };
}

function tuples(list: readonly Relationship[] | undefined, field: string, problems: Diagnostics): string[] {
  if (!Array.isArray(list)) {
    problems.add("expected a list of relationships", { field });
    return [];
  }
  const out: string[] = [];
  list.forEach((r: Relationship, i) => {
    try {
      // Formatting and parsing again both checks the names and normalises `#...` away.
      out.push(formatRelationship(parseRelationship(formatRelationship(r))));
    } catch (error) {
      const message = error instanceof GatehouseError ? error.message : "expected a relationship";
      problems.add(message, { field: `${field}[${i}]` });
    }
  });
  return out;
}

/** Keeps the filter's known fields only; `subjectRelation: null` ("no relation") survives JSON. */
function filters(
  list: readonly RelationshipFilter[] | undefined,
  problems: Diagnostics,
): RelationshipFilter[] {
  if (!Array.isArray(list)) {
    problems.add("expected a list of filters", { field: "spec.deleteWhere" });
    return [];
  }
  return list.map((filter, i) => {
    const out: Record<string, string | null> = {};
    for (const key of FILTER_KEYS) {
      const value: unknown = filter?.[key];
      if (value === undefined) continue;
      if (typeof value === "string" || (value === null && key === "subjectRelation")) out[key] = value;
      else problems.add(`invalid \`${key}\`: expected text`, { field: `spec.deleteWhere[${i}].${key}` });
    }
    return out as RelationshipFilter;
  });
}
