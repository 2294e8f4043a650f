import type { ObjectRef, Relationship, SubjectRef } from "../model/relationship.js";
import type { CompiledSchema, MemberDef } from "../schema/compiled.js";
import { DataIndex } from "./data-index.js";
import { Evaluator, type EvaluatorOptions } from "./evaluator.js";
import { type ExplainNode } from "./explain.js";
import { type FoundSubject } from "./lookup.js";
export interface CheckRequest {
    readonly resource: ObjectRef;
    readonly permission: string;
    readonly subject: SubjectRef;
}
/**
 * One tenant's index and the evaluator binding it to the active schema. Tenants never share
 * an index, so nothing computed for one can see another's data.
 */
export declare class TenantIndex {
    readonly name: string;
    readonly data: DataIndex;
    private evaluatorFor;
    /**
     * Evaluators of other schemas over the same data (a shadow candidate, a rollout's candidate),
     * kept so that alternating between the active schema and a candidate does not rebuild one per
     * check. Few at a time; the oldest is dropped.
     */
    private readonly otherEvaluators;
    constructor(name: string);
    evaluator(schema: CompiledSchema, options: EvaluatorOptions): Evaluator;
    /** Makes `schema` the one this index is mostly evaluated under (after a schema write). */
    preferSchema(schema: CompiledSchema, options: EvaluatorOptions): void;
    apply(created: readonly Relationship[], deleted: readonly Relationship[]): void;
}
/**
 * The in-memory permission engine: per-tenant indexes evaluated under one schema. It holds no
 * storage; the service layer loads it from the store and moves it forward after each write.
 */
export declare class Engine {
    private activeSchema;
    private readonly tenants;
    private readonly options;
    constructor(schema?: CompiledSchema, options?: EvaluatorOptions);
    get schema(): CompiledSchema | undefined;
    setSchema(schema: CompiledSchema | undefined): void;
    hasTenant(name: string): boolean;
    loadedTenants(): string[];
    tenant(name: string): TenantIndex;
    /** The tenant's index if it is loaded (the service loads indexes from the store). */
    loadedIndex(name: string): TenantIndex | undefined;
    /** Makes a fully built index visible to queries. */
    registerTenant(index: TenantIndex): void;
    dropTenant(name: string): void;
    requireSchema(): CompiledSchema;
    evaluator(tenant: string, schema?: CompiledSchema): Evaluator;
    /** The member a check names, after validating every name in it against the schema. */
    resolve(request: CheckRequest, schema?: CompiledSchema): MemberDef;
    check(tenant: string, request: CheckRequest, schema?: CompiledSchema): boolean;
    explain(tenant: string, request: CheckRequest, schema?: CompiledSchema): ExplainNode;
    lookupResources(tenant: string, resourceType: string, permission: string, subject: SubjectRef, schema?: CompiledSchema): string[];
    lookupSubjects(tenant: string, resource: ObjectRef, permission: string, subjectType: string, subjectRelation?: string, schema?: CompiledSchema): FoundSubject[];
}
