import type { DataIndex } from "../engine/data-index.js";
import type { Evaluator } from "../engine/evaluator.js";
import type { SubjectSets } from "../engine/subject-sets.js";
import type { CompiledSchema } from "../schema/compiled.js";
/**
 * For a model change, the subjects whose answer on (object, member) MAY differ between the two
 * schemas: a superset of the true difference, usually tiny, found without computing the full
 * subject sets. A plan then checks just these subjects under both schemas.
 *
 * Why it is small: both schemas read the same data, so a member whose definition and
 * dependencies did not change answers the same for everyone (no candidates). A member that only
 * depends on changed ones differs at most where its parts differ (the candidates of its parts).
 * A member whose definition changed is compared part by part: when the new definition is the
 * old one plus a union operand, minus a subtracted part (`edit = (owner + editor) - banned`), or
 * the reverse, only the subjects of the added or removed part can move. Anything else falls
 * back to every subject of both definitions.
 *
 * `EVERYONE` means "too many to list": a wildcard is involved, or the data has a cycle through
 * the member. The plan then diffs that (object, permission) in full, as it always could.
 */
export declare const EVERYONE: unique symbol;
export type Candidates = ReadonlySet<number> | typeof EVERYONE;
export interface SchemaSide {
    readonly schema: CompiledSchema;
    readonly evaluator: Evaluator;
    readonly sets: SubjectSets;
}
export declare class ModelCandidates {
    private readonly data;
    private readonly before;
    private readonly after;
    /** `type#member` names whose answers may differ (schema-diff's `changedMembers`). */
    private readonly changed;
    private readonly memo;
    private readonly inProgress;
    private readonly nameIds;
    constructor(data: DataIndex, before: SchemaSide, after: SchemaSide, 
    /** `type#member` names whose answers may differ (schema-diff's `changedMembers`). */
    changed: ReadonlySet<string>);
    /** Candidates of `object`'s member `name` (a relation or permission in either schema). */
    forMember(object: number, name: string): Candidates;
    private compute;
    /**
     * A relation reads the same relationships under both schemas; only what its userset subjects
     * (`group:g#member`) stand for can differ.
     */
    private relationPair;
    private expressionPair;
    /** Two expressions written alike: they differ only where the members they name differ. */
    private sameShape;
    /** Every plain subject an expression grants under one schema, or EVERYONE past a wildcard. */
    private elements;
    private membersOf;
}
