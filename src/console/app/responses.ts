import type {
  AccessRow,
  AuditRecordView,
  AuditVerificationView,
  ChangeFileCheckView,
  ChangeReviewView,
  ChangeSummaryView,
  DecisionListView,
  GatehouseClient,
  IncidentReportView,
  LookupResourcesView,
  LookupSubjectsView,
  PlanRowsView,
  PlanView,
  RolloutStatusView,
  SchemaDiffView,
  ShadowReportView,
  TenantListView,
} from "../../client/client.js";

/**
 * The API's answers as the console reads them: the typed client's own types, so a field the
 * client renames or retypes fails the console's type check. Where the client leaves a field
 * open (`explain: unknown`, a plan's lifecycle facts as records, `getChange` as a record), the
 * console states the few fields it reads; test/server/console-types.test.ts holds those to the
 * server's types.
 */
export type {
  AccessRow,
  AuditRecordView,
  AuditVerificationView,
  ChangeFileCheckView,
  ChangeSummaryView,
  DecisionListView,
  IncidentReportView,
  LookupResourcesView,
  LookupSubjectsView,
  PlanRowsView,
  RolloutStatusView,
  SchemaDiffView,
  ShadowReportView,
  TenantListView,
};

/** One step of an explain proof (the engine's `ExplainNode`, as far as the console reads it). */
export interface ExplainStep {
  /** `permission`, `relation`, `union`, `intersection`, `exclusion`, `arrow`, `direct` ... */
  readonly step: string;
  readonly label: string;
  readonly result: boolean;
  readonly relationship?: string;
  readonly children: readonly ExplainStep[];
}

export type ExplainAnswer = Omit<Awaited<ReturnType<GatehouseClient["explain"]>>, "explain"> & {
  readonly explain: ExplainStep;
};

/** What a deletion takes away (the changes layer's `DeletionFacts`, as far as the console reads it). */
export interface DeletionFactsView {
  readonly target: string;
  readonly relationships: number;
  readonly asResource: readonly RelationCountView[];
  readonly asSubject: readonly RelationCountView[];
  readonly reach: readonly {
    readonly resourceType: string;
    readonly permission: string;
    readonly count: number;
  }[];
  readonly othersLosing: {
    readonly subjects: number;
    readonly resources: number;
    readonly examples: readonly string[];
  };
}

export interface RelationCountView {
  readonly resourceType: string;
  readonly relation: string;
  readonly subjectType: string;
  readonly distinct: number;
}

export interface MergeFactsView {
  readonly from: string;
  readonly into: string;
  readonly intoGains: readonly AccessRow[];
  readonly othersChanged: number;
}

export interface PurgeFactsView {
  readonly target: string;
  readonly rows: number;
  readonly export: { readonly path: string; readonly sha256: string };
}

/** A plan as `POST /v1/changes/:id/plan` answers it and as `GET /v1/changes/:id` stores it. */
export type ConsolePlan = Omit<PlanView, "planId" | "deletion" | "merge" | "purge"> & {
  /** Absent on plans stored before plans had ids. */
  readonly planId?: string | null;
  readonly intent?: string;
  readonly data: { readonly writes: readonly string[]; readonly deletes: readonly string[] };
  readonly deletion?: DeletionFactsView;
  readonly merge?: MergeFactsView;
  readonly purge?: PurgeFactsView;
};

/** `GET /v1/changes/:id`: the change and its latest plan (null before it is planned). */
export type ChangeDetailView = ChangeSummaryView & { readonly plan: ConsolePlan | null };

/** `GET /v1/changes?tenant=`. */
export interface ChangeListView {
  readonly changes: readonly ChangeSummaryView[];
}

/** `GET /v1/audit`. */
export type AuditListView = Awaited<ReturnType<GatehouseClient["listAudit"]>>;

/** `POST /v1/changes/:id/revert`: the revert change's plan, and whether it was applied at once. */
export type RevertAnswer = ConsolePlan &
  Pick<Awaited<ReturnType<GatehouseClient["revertChange"]>>, "applied" | "existing">;

/** A lifecycle plan's facts, as `ConsolePlan` reads them (open records in the API's schema). */
type LifecycleFacts = Pick<ConsolePlan, "deletion" | "merge" | "purge">;

/** `GET /v1/changes/:id/review`: the change, its plan without rows, and the actions allowed. */
export type ChangeReview = Omit<ChangeReviewView, "plan"> & {
  readonly plan: (Omit<NonNullable<ChangeReviewView["plan"]>, keyof LifecycleFacts> & LifecycleFacts) | null;
};
export type ReviewPlan = NonNullable<ChangeReview["plan"]>;
export type ChangeAction = ChangeReviewView["actions"][number];

/** `POST /v1/changes/:id/apply`. */
export type ApplyAnswer = Awaited<ReturnType<GatehouseClient["applyChange"]>>;

/** `GET /v1/tenants/:tenant/relationships`: one page in tuple order. */
export type RelationshipPage = Awaited<ReturnType<GatehouseClient["readRelationships"]>>;
