import { type ObjectRef, type Relationship } from "../model/relationship.js";
import type { CompiledSchema } from "../schema/compiled.js";
import type { RelationshipFilter, Store } from "../store/store.js";
/**
 * The subject a lifecycle command names (`account:a1`): an object of a type the schema knows.
 * A subject relation (`group:eng#member`) is refused: deleting a subject deletes the object, in
 * every position it holds.
 */
export declare function parseSubjectTarget(text: string, schema: CompiledSchema, field?: string): ObjectRef;
/** Filters for every relationship where the object is the resource or the subject. */
export declare function subjectFilters(subject: ObjectRef): RelationshipFilter[];
/**
 * Adds to `into` (by tuple text) every live relationship the filters select, as a plain
 * relationship: a change's `delete_where` and a subject's or tenant's deletion both read so.
 */
export declare function addLiveRelationships(store: Store, tenant: string, filters: readonly RelationshipFilter[], into?: Map<string, Relationship>): Promise<Map<string, Relationship>>;
/** Live relationships the filters select, each once, in a stable order. */
export declare function liveRelationships(store: Store, tenant: string, filters: readonly RelationshipFilter[]): Promise<Relationship[]>;
