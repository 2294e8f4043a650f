/**
 * The record types the surfaces name, from the store's interface: the CLI and the HTTP API
 * import them from here, so that no surface reaches into src/store.
 */
export type {
  AuditFilter,
  AuditRecord,
  ChangeRecord,
  ChangeSpec,
  ChangeState,
  ChangeSummary,
  GuardsVersion,
} from "../store/change-records.js";
export type { WritePrecondition } from "../store/common/write-preconditions.js";
export { PreconditionFailed } from "../store/common/write-preconditions.js";
export type { DecisionLoss, DecisionLossReason, DecisionRecord } from "../store/decision-records.js";
export type { LifecycleScope } from "../store/lifecycle-records.js";
export type { ShadowSession } from "../store/shadow-records.js";
export type {
  RelationshipFilter,
  RelationshipUpdate,
  Revision,
  RevisionEvent,
  RevisionFilter,
  RevisionRecord,
  UpdateOperation,
} from "../store/store.js";
export { STORE_WIDE_TENANT } from "../store/store.js";
export type { Role, TokenRecord } from "../store/token-records.js";
