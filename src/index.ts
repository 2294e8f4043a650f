/**
 * Gatehouse's public library API, chosen by hand: what an application embedding Gatehouse
 * needs, and nothing internal.
 */

export type { DeletionFacts } from "./changes/deletion-facts.js";
export type { ExportBundle } from "./changes/export-bundle.js";
export { incidentMarkdown } from "./changes/incident-markdown.js";
export type {
  IncidentReport,
  IncidentSelector,
  TenantIncident,
  UsedAccess,
} from "./changes/incident-report.js";
export type { MergeFacts } from "./changes/merge.js";
export type { Plan } from "./changes/plan.js";
export type { PurgeFacts } from "./changes/purge-facts.js";
export type { SubjectLifecycle } from "./changes/subject-lifecycle.js";
export type { AccessRow } from "./engine/access-diff.js";
export type { CheckAnswer, Permissionship } from "./engine/check-answer.js";
export type { CheckRequest } from "./engine/engine.js";
export type { ExplainedCaveat, ExplainNode } from "./engine/explain.js";
export type { FoundResource, FoundSubject, LookupOptions } from "./engine/lookup.js";
export { type ErrorKind, GatehouseError, type Place } from "./model/errors.js";
export { parseExpiration } from "./model/expiration.js";
export { DEFAULT_TENANT } from "./model/names.js";
export {
  formatRelationship,
  formatSubject,
  type ObjectRef,
  parseObject,
  parseRelationship,
  parseSubject,
  type Relationship,
  type RelationshipCaveat,
  relationshipKey,
  type SubjectRef,
} from "./model/relationship.js";
export { formatSchema, parseSchema } from "./schema/schema.js";
export type { DecisionLogOptions } from "./service/decision-log.js";
export type {
  ActorOptions,
  CheckResult,
  ConsistencyOptions,
  GatehouseOptions,
  ImportOptions,
} from "./service/gatehouse.js";
export { Gatehouse } from "./service/gatehouse.js";
export { runValidationFile, type ValidationFailure, type ValidationReport } from "./service/validate.js";
export { loadValidationFile, parseValidationFile } from "./service/validation-file.js";
export type { LifecycleScope, RetentionSetting } from "./store/lifecycle-records.js";
export type {
  RelationshipFilter,
  RelationshipUpdate,
  Revision,
  SchemaVersion,
  StoredRelationship,
  UpdateOperation,
  WriteResult,
} from "./store/store.js";
