import type { ObjectRef, SubjectRef } from "../model/relationship.js";
import { type DataIndex } from "./data-index.js";
/**
 * A check's subject resolved against one tenant's index. Objects the index has never seen get
 * negative numbers that match nothing in the data, yet still equal each other when the
 * resource and the subject name the same unknown object (SpiceDB's "a userset contains itself").
 */
export interface ResolvedSubject {
    readonly object: number;
    /** Relation slot, `NO_RELATION` for a plain object, or -2 for a relation name with no data. */
    readonly relation: number;
    /** The subject relation's name, for the "a userset contains itself" rule. */
    readonly relationName?: string | undefined;
    /** The wildcard object of the subject's type (`user:*`) if the data has one, else -1. */
    readonly wildcard: number;
}
export declare const UNKNOWN_RELATION = -2;
export declare function resolveResource(data: DataIndex, resource: ObjectRef): number;
export declare function resolveSubject(data: DataIndex, subject: SubjectRef, resource?: ObjectRef): ResolvedSubject;
