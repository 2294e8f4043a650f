import { GatehouseError, unknownNameError } from "../model/errors.js";
import { OBJECT_ID, TYPE_NAME } from "../model/names.js";
import { type ObjectRef, type Relationship, relationshipKey } from "../model/relationship.js";
import type { CompiledSchema } from "../schema/compiled.js";
import { definedTypes } from "../schema/defined-types.js";
import type { RelationshipFilter, Store } from "../store/store.js";

/**
 * The subject a lifecycle command names (`account:a1`): an object of a type the schema knows.
 * A subject relation (`group:eng#member`) is refused: deleting a subject deletes the object, in
 * every position it holds.
 */
export function parseSubjectTarget(text: string, schema: CompiledSchema, field = "subject"): ObjectRef {
  const match = /^([^:#\s]+):([^:#\s]+)$/.exec(text);
  if (!match || !TYPE_NAME.test(match[1]!) || !OBJECT_ID.test(match[2]!) || match[2] === "*") {
    throw new GatehouseError(
      "input",
      `\`${text}\` is not a subject: expected \`type:id\` such as \`account:a1\` (no relation, no wildcard)`,
      { field },
    );
  }
  const type = match[1]!;
  if (!schema.typesByName.has(type)) {
    throw unknownNameError(
      `unknown type \`${type}\` in \`${text}\`: the schema defines ${definedTypes(schema)}`,
      {
        field,
      },
    );
  }
  return { type, id: match[2]! };
}

/** Filters for every relationship where the object is the resource or the subject. */
export function subjectFilters(subject: ObjectRef): RelationshipFilter[] {
  return [
    { resourceType: subject.type, resourceId: subject.id },
    { subjectType: subject.type, subjectId: subject.id },
  ];
}

/**
 * Adds to `into` (by tuple text) every live relationship the filters select, as a plain
 * relationship: a change's `delete_where` and a subject's or tenant's deletion both read so.
 */
export async function addLiveRelationships(
  store: Store,
  tenant: string,
  filters: readonly RelationshipFilter[],
  into: Map<string, Relationship> = new Map(),
): Promise<Map<string, Relationship>> {
  for (const filter of filters) {
    for (const r of await store.readRelationships(tenant, filter)) {
      // Kept with its traits: a restore writes back exactly what was deleted.
      into.set(relationshipKey(r), r);
    }
  }
  return into;
}

/** Live relationships the filters select, each once, in a stable order. */
export async function liveRelationships(
  store: Store,
  tenant: string,
  filters: readonly RelationshipFilter[],
): Promise<Relationship[]> {
  const found = await addLiveRelationships(store, tenant, filters);
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}
