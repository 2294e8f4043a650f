import { type Place } from "./errors.js";
/** An object: `document:readme`. */
export interface ObjectRef {
    readonly type: string;
    readonly id: string;
}
/**
 * A subject: an object (`user:ann`), a wildcard over a type (`user:*`) or a userset
 * (`group:eng#member`). `relation` is absent for the object itself, which SpiceDB spells `#...`.
 */
export interface SubjectRef {
    readonly type: string;
    readonly id: string;
    readonly relation?: string | undefined;
}
/** `document:readme#viewer@group:eng#member` */
export interface Relationship {
    readonly resource: ObjectRef;
    readonly relation: string;
    readonly subject: SubjectRef;
}
export declare const WILDCARD_ID = "*";
export declare const ELLIPSIS = "...";
export declare function formatObject(o: ObjectRef): string;
export declare function formatSubject(s: SubjectRef): string;
export declare function formatRelationship(r: Relationship): string;
export declare function sameSubject(a: SubjectRef, b: SubjectRef): boolean;
/** Parses `type:id`, reporting the place of the first bad part. */
export declare function parseObject(text: string, place?: Place, what?: string): ObjectRef;
/** Parses `type:id`, `type:id#relation`, `type:id#...` or `type:*`. */
export declare function parseSubject(text: string, place?: Place): SubjectRef;
/**
 * Parses SpiceDB's tuple syntax, `resource:id#relation@subject:id[#relation]`. The same syntax
 * names a check (`resource#permission@subject`), so `relationWord` lets messages say which.
 */
export declare function parseRelationship(text: string, place?: Place, relationWord?: string): Relationship;
