import { GatehouseError } from "../model/errors.js";
import { resolveCheck, resolveSubjectType } from "../schema/validate-relationship.js";
import { DataIndex } from "./data-index.js";
import { Evaluator } from "./evaluator.js";
import { explainCheck } from "./explain.js";
import { lookupResources, lookupSubjects } from "./lookup.js";
import { resolveResource, resolveSubject } from "./subject.js";
/**
 * One tenant's index and the evaluator binding it to the active schema. Tenants never share
 * an index, so nothing computed for one can see another's data.
 */
export class TenantIndex {
    name;
    data = new DataIndex();
    evaluatorFor;
    /**
     * Evaluators of other schemas over the same data (a shadow candidate, a rollout's candidate),
     * kept so that alternating between the active schema and a candidate does not rebuild one per
     * check. Few at a time; the oldest is dropped.
     */
    otherEvaluators = new Map();
    constructor(name) {
        this.name = name;
    }
    evaluator(schema, options) {
        if (this.evaluatorFor?.schema === schema)
            return this.evaluatorFor;
        if (this.evaluatorFor === undefined) {
            this.evaluatorFor = new Evaluator(schema, this.data, options);
            return this.evaluatorFor;
        }
        let other = this.otherEvaluators.get(schema);
        if (!other) {
            if (this.otherEvaluators.size >= 4) {
                const oldest = this.otherEvaluators.keys().next().value;
                this.otherEvaluators.delete(oldest);
            }
            other = new Evaluator(schema, this.data, options);
            this.otherEvaluators.set(schema, other);
        }
        return other;
    }
    /** Makes `schema` the one this index is mostly evaluated under (after a schema write). */
    preferSchema(schema, options) {
        if (this.evaluatorFor?.schema === schema)
            return;
        const other = this.otherEvaluators.get(schema);
        this.otherEvaluators.delete(schema);
        if (this.evaluatorFor)
            this.otherEvaluators.set(this.evaluatorFor.schema, this.evaluatorFor);
        this.evaluatorFor = other ?? new Evaluator(schema, this.data, options);
    }
    apply(created, deleted) {
        for (const r of deleted)
            this.data.remove(r);
        for (const r of created)
            this.data.add(r);
    }
}
/**
 * The in-memory permission engine: per-tenant indexes evaluated under one schema. It holds no
 * storage; the service layer loads it from the store and moves it forward after each write.
 */
export class Engine {
    activeSchema;
    tenants = new Map();
    options;
    constructor(schema, options = {}) {
        this.activeSchema = schema;
        this.options = options;
    }
    get schema() {
        return this.activeSchema;
    }
    setSchema(schema) {
        this.activeSchema = schema;
        if (schema)
            for (const index of this.tenants.values())
                index.preferSchema(schema, this.options);
    }
    hasTenant(name) {
        return this.tenants.has(name);
    }
    loadedTenants() {
        return [...this.tenants.keys()];
    }
    tenant(name) {
        let index = this.tenants.get(name);
        if (!index) {
            index = new TenantIndex(name);
            this.tenants.set(name, index);
        }
        return index;
    }
    /** The tenant's index if it is loaded (the service loads indexes from the store). */
    loadedIndex(name) {
        return this.tenants.get(name);
    }
    /** Makes a fully built index visible to queries. */
    registerTenant(index) {
        if (this.activeSchema)
            index.preferSchema(this.activeSchema, this.options);
        this.tenants.set(index.name, index);
    }
    dropTenant(name) {
        this.tenants.delete(name);
    }
    requireSchema() {
        if (!this.activeSchema) {
            throw new GatehouseError("not_found", "no schema has been written yet: write one with `gatehouse schema write FILE`");
        }
        return this.activeSchema;
    }
    evaluator(tenant, schema = this.requireSchema()) {
        return this.tenant(tenant).evaluator(schema, this.options);
    }
    /** The member a check names, after validating every name in it against the schema. */
    resolve(request, schema = this.requireSchema()) {
        return resolveCheck(schema, request.resource.type, request.permission, request.subject);
    }
    check(tenant, request, schema = this.requireSchema()) {
        const member = this.resolve(request, schema);
        const evaluator = this.evaluator(tenant, schema);
        const data = evaluator.data;
        return evaluator.check(resolveResource(data, request.resource), member, resolveSubject(data, request.subject, request.resource));
    }
    explain(tenant, request, schema = this.requireSchema()) {
        const member = this.resolve(request, schema);
        const evaluator = this.evaluator(tenant, schema);
        const data = evaluator.data;
        return explainCheck(evaluator, resolveResource(data, request.resource), member, resolveSubject(data, request.subject, request.resource));
    }
    lookupResources(tenant, resourceType, permission, subject, schema = this.requireSchema()) {
        const member = resolveCheck(schema, resourceType, permission, subject);
        return lookupResources(this.evaluator(tenant, schema), member, subject);
    }
    lookupSubjects(tenant, resource, permission, subjectType, subjectRelation, schema = this.requireSchema()) {
        const member = resolveCheck(schema, resource.type, permission, { type: subjectType, id: "x" });
        resolveSubjectType(schema, subjectType, subjectRelation);
        const evaluator = this.evaluator(tenant, schema);
        return lookupSubjects(evaluator, resolveResource(evaluator.data, resource), member, subjectType, subjectRelation);
    }
}
//# sourceMappingURL=engine.js.map