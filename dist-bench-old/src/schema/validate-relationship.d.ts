import { type Place } from "../model/errors.js";
import { type Relationship, type SubjectRef } from "../model/relationship.js";
import type { AllowedSubject, CompiledSchema, MemberDef, RelationDef, TypeDef } from "./compiled.js";
export declare function formatAllowed(allowed: AllowedSubject): string;
export declare function allows(relation: RelationDef, subject: SubjectRef): boolean;
/**
 * Checks that the schema accepts a relationship: its resource type and relation exist, the
 * relation is a relation (permissions are computed, never written), and the subject is one of
 * the relation's allowed subject types.
 */
export declare function validateRelationship(schema: CompiledSchema, r: Relationship, place?: Place): RelationDef;
/** Looks up what a check names, with clear errors for unknown types, permissions and subject relations. */
export declare function resolveCheck(schema: CompiledSchema, resourceType: string, permission: string, subject: SubjectRef, place?: Place): MemberDef;
export declare function resolveSubjectType(schema: CompiledSchema, subjectType: string, subjectRelation: string | undefined, place?: Place): TypeDef;
