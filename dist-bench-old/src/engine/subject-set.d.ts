/**
 * A set of subjects, per type: either finitely many objects, or every object of the type except
 * finitely many (what a wildcard `user:*`, possibly minus exclusions, grants). The algebra is
 * closed under union, intersection and difference, so every permission's subjects can be
 * computed exactly, wildcards included.
 *
 * Objects are the data index's numbers; types are its type numbers. Sets handed out by
 * `SubjectSets` are shared and must not be mutated; the operations below build new ones.
 */
export type TypeSet = {
    readonly all: false;
    readonly members: ReadonlySet<number>;
} | {
    readonly all: true;
    readonly excluded: ReadonlySet<number>;
};
export type SubjectSet = ReadonlyMap<number, TypeSet>;
export declare const EMPTY: SubjectSet;
export declare function has(set: SubjectSet, type: number, object: number): boolean;
/** Whether an object of `type` that the set does not mention (a "fresh" subject) is in it. */
export declare function hasAnyone(set: SubjectSet, type: number): boolean;
export declare function union(a: SubjectSet, b: SubjectSet): SubjectSet;
export declare function intersection(a: SubjectSet, b: SubjectSet): SubjectSet;
export declare function difference(a: SubjectSet, b: SubjectSet): SubjectSet;
/** A set of plain objects grouped by type, with wildcard types granting everyone. */
export declare class SubjectSetBuilder {
    private readonly members;
    private readonly everyone;
    addObject(type: number, object: number): void;
    addEveryone(type: number): void;
    build(): SubjectSet;
}
