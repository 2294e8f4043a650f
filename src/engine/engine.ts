import { GatehouseError } from "../model/errors.js";
import type { ObjectRef, Relationship, SubjectRef } from "../model/relationship.js";
import type { CaveatContext } from "../schema/caveats/context-values.js";
import type { CompiledSchema, MemberDef } from "../schema/compiled.js";
import { resolveCheck, resolveSubjectType } from "../schema/validate-relationship.js";
import { type CheckAnswer, checkAnswerOf } from "./check-answer.js";
import { answerCheckLines, type CheckLineAnswers } from "./check-lines.js";
import { DataIndex } from "./data-index.js";
import { Evaluator, type EvaluatorOptions } from "./evaluator.js";
import { type ExplainNode, explainCheck } from "./explain.js";
import {
  type FoundResource,
  type FoundSubject,
  type LookupOptions,
  lookupResources,
  lookupResourcesWith,
  lookupSubjects,
} from "./lookup.js";
import { resolveResource, resolveSubject } from "./subject.js";

export interface CheckRequest {
  readonly resource: ObjectRef;
  readonly permission: string;
  readonly subject: SubjectRef;
  /** The request's caveat context (relationships' own context wins over it, as in SpiceDB). */
  readonly context?: CaveatContext | undefined;
}

/**
 * One tenant's index and the evaluator binding it to the active schema. Tenants never share
 * an index, so nothing computed for one can see another's data.
 */
export class TenantIndex {
  readonly name: string;
  readonly data: DataIndex;
  private evaluatorFor: Evaluator | undefined;
  /**
   * Evaluators of other schemas over the same data (a shadow candidate, a rollout's candidate),
   * kept so that alternating between the active schema and a candidate does not rebuild one per
   * check. Few at a time; the oldest is dropped.
   */
  private readonly otherEvaluators = new Map<CompiledSchema, Evaluator>();

  /** `data`: an index restored from a snapshot (index-snapshot.ts); by default an empty one. */
  constructor(name: string, data: DataIndex = new DataIndex()) {
    this.name = name;
    this.data = data;
  }

  evaluator(schema: CompiledSchema, options: EvaluatorOptions): Evaluator {
    if (this.evaluatorFor?.schema === schema) return this.evaluatorFor;
    if (this.evaluatorFor === undefined) {
      this.evaluatorFor = new Evaluator(schema, this.data, options);
      return this.evaluatorFor;
    }
    let other = this.otherEvaluators.get(schema);
    if (!other) {
      if (this.otherEvaluators.size >= 4) {
        const oldest = this.otherEvaluators.keys().next().value as CompiledSchema;
        this.otherEvaluators.delete(oldest);
      }
      other = new Evaluator(schema, this.data, options);
      this.otherEvaluators.set(schema, other);
    }
    return other;
  }

  /** Makes `schema` the one this index is mostly evaluated under (after a schema write). */
  preferSchema(schema: CompiledSchema, options: EvaluatorOptions): void {
    if (this.evaluatorFor?.schema === schema) return;
    const other = this.otherEvaluators.get(schema);
    this.otherEvaluators.delete(schema);
    if (this.evaluatorFor) this.otherEvaluators.set(this.evaluatorFor.schema, this.evaluatorFor);
    this.evaluatorFor = other ?? new Evaluator(schema, this.data, options);
  }

  /**
   * Relationships created and deleted through `apply` since the index was loaded or last written
   * as a snapshot: what decides when the next snapshot is worth writing.
   */
  changedSinceSnapshot = 0;

  apply(created: readonly Relationship[], deleted: readonly Relationship[]): void {
    this.changedSinceSnapshot += created.length + deleted.length;
    for (const r of deleted) this.data.remove(r);
    for (const r of created) this.data.add(r);
  }
}

/**
 * The in-memory permission engine: per-tenant indexes evaluated under one schema. It holds no
 * storage; the service layer loads it from the store and moves it forward after each write.
 */
export class Engine {
  private activeSchema: CompiledSchema | undefined;
  private readonly tenants = new Map<string, TenantIndex>();
  private readonly options: EvaluatorOptions;

  constructor(schema?: CompiledSchema, options: EvaluatorOptions = {}) {
    this.activeSchema = schema;
    this.options = options;
  }

  get schema(): CompiledSchema | undefined {
    return this.activeSchema;
  }

  setSchema(schema: CompiledSchema | undefined): void {
    this.activeSchema = schema;
    if (schema) for (const index of this.tenants.values()) index.preferSchema(schema, this.options);
  }

  hasTenant(name: string): boolean {
    return this.tenants.has(name);
  }

  loadedTenants(): string[] {
    return [...this.tenants.keys()];
  }

  tenant(name: string): TenantIndex {
    let index = this.tenants.get(name);
    if (!index) {
      index = new TenantIndex(name);
      this.tenants.set(name, index);
    }
    return index;
  }

  /** The tenant's index if it is loaded (the service loads indexes from the store). */
  loadedIndex(name: string): TenantIndex | undefined {
    return this.tenants.get(name);
  }

  /** Makes a fully built index visible to queries. */
  registerTenant(index: TenantIndex): void {
    if (this.activeSchema) index.preferSchema(this.activeSchema, this.options);
    this.tenants.set(index.name, index);
  }

  dropTenant(name: string): void {
    this.tenants.delete(name);
  }

  requireSchema(): CompiledSchema {
    if (!this.activeSchema) {
      throw new GatehouseError(
        "not_found",
        "no schema has been written yet: write one with `gatehouse schema write FILE`",
      );
    }
    return this.activeSchema;
  }

  evaluator(tenant: string, schema = this.requireSchema()): Evaluator {
    return this.tenant(tenant).evaluator(schema, this.options);
  }

  /** The member a check names, after validating every name in it against the schema. */
  resolve(request: CheckRequest, schema = this.requireSchema()): MemberDef {
    return resolveCheck(schema, request.resource.type, request.permission, request.subject);
  }

  /** Whether the subject has the permission without condition (a conditional answer is a no). */
  check(tenant: string, request: CheckRequest, schema = this.requireSchema()): boolean {
    return this.checkResolved(tenant, request, this.resolve(request, schema), schema);
  }

  /**
   * `check` of a request already resolved against `schema` (its `member` from `resolve`): a batch
   * validates every check before it answers any, and need not look the names up twice.
   */
  checkResolved(tenant: string, request: CheckRequest, member: MemberDef, schema: CompiledSchema): boolean {
    const evaluator = this.evaluator(tenant, schema);
    const data = evaluator.data;
    const object = resolveResource(data, request.resource);
    const subject = resolveSubject(data, request.subject, request.resource);
    if (request.context === undefined) return evaluator.check(object, member, subject);
    return evaluator.decide(object, member, subject, request.context).kind === "true";
  }

  /**
   * A text of check lines answered in one pass (`answerCheckLines`), or undefined where the lines
   * must be read into checks first (a line that needs naming, a name the schema lacks).
   */
  checkLines(
    tenant: string,
    text: string,
    maxChecks: number,
    schema = this.requireSchema(),
  ): CheckLineAnswers | undefined {
    return answerCheckLines(this.evaluator(tenant, schema), schema, text, maxChecks);
  }

  /** SpiceDB's three answers: has permission, no permission, or conditional (naming what is missing). */
  checkAnswer(tenant: string, request: CheckRequest, schema = this.requireSchema()): CheckAnswer {
    const member = this.resolve(request, schema);
    const evaluator = this.evaluator(tenant, schema);
    const data = evaluator.data;
    return checkAnswerOf(
      evaluator.decide(
        resolveResource(data, request.resource),
        member,
        resolveSubject(data, request.subject, request.resource),
        request.context,
      ),
    );
  }

  /**
   * For a check that did not grant: the context parameters that would decide it when its answer
   * is conditional, else `undefined`. Free for a tenant without caveated data.
   */
  conditionalOn(
    tenant: string,
    request: CheckRequest,
    schema = this.requireSchema(),
  ): readonly string[] | undefined {
    const conditions = this.tenants.get(tenant)?.data.conditionCount ?? 0;
    if (conditions > 0) {
      const answer = this.checkAnswer(tenant, request, schema);
      if (answer.permissionship === "conditional") return answer.missing;
    }
    return undefined;
  }

  explain(tenant: string, request: CheckRequest, schema = this.requireSchema()): ExplainNode {
    const member = this.resolve(request, schema);
    const evaluator = this.evaluator(tenant, schema);
    const data = evaluator.data;
    return explainCheck(
      evaluator,
      resolveResource(data, request.resource),
      member,
      resolveSubject(data, request.subject, request.resource),
      request.context,
    );
  }

  lookupResources(
    tenant: string,
    resourceType: string,
    permission: string,
    subject: SubjectRef,
    schema = this.requireSchema(),
  ): string[] {
    const member = resolveCheck(schema, resourceType, permission, subject);
    return lookupResources(this.evaluator(tenant, schema), member, subject);
  }

  /** `lookupResources` under a caveat context, optionally listing conditional answers too. */
  lookupResourcesWith(
    tenant: string,
    resourceType: string,
    permission: string,
    subject: SubjectRef,
    options: LookupOptions,
    schema = this.requireSchema(),
  ): FoundResource[] {
    const member = resolveCheck(schema, resourceType, permission, subject);
    return lookupResourcesWith(this.evaluator(tenant, schema), member, subject, options);
  }

  lookupSubjects(
    tenant: string,
    resource: ObjectRef,
    permission: string,
    subjectType: string,
    subjectRelation?: string,
    schema = this.requireSchema(),
    options: LookupOptions = {},
  ): FoundSubject[] {
    const member = resolveCheck(schema, resource.type, permission, { type: subjectType, id: "x" });
    resolveSubjectType(schema, subjectType, subjectRelation);
    const evaluator = this.evaluator(tenant, schema);
    return lookupSubjects(evaluator, resource, member, subjectType, subjectRelation, options);
  }
}
