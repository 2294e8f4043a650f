import { type AccessRow } from "../engine/access-diff.js";
import type { Engine } from "../engine/engine.js";
import { type Relationship } from "../model/relationship.js";
import type { CompiledSchema } from "../schema/compiled.js";
import type { Intent } from "../store/change-records.js";
import type { Revision } from "../store/store.js";
import type { DeletionFacts } from "./deletion-facts.js";
import { type Guard, type GuardResult } from "./guards.js";
import { type MergeFacts } from "./merge.js";
import type { PurgeFacts } from "./purge-facts.js";
/**
 * The exact effective-access difference a change makes, computed at a base revision, and what
 * its guards and approvals say about it. Stored with the change as JSON.
 */
export interface Plan {
    readonly changeId: number;
    readonly tenant: string;
    readonly intent: Intent;
    readonly baseRevision: Revision;
    readonly computedAt: string;
    /** The relationship writes and deletes themselves (deletes include those `delete_where` found). */
    readonly data: {
        readonly writes: readonly string[];
        readonly deletes: readonly string[];
    };
    /** For a model change: the `type#permission`s whose meaning changes (in every tenant). */
    readonly changedPermissions: readonly string[];
    readonly gained: readonly AccessRow[];
    readonly lost: readonly AccessRow[];
    readonly summary: readonly SummaryLine[];
    readonly guards: readonly GuardResult[];
    /** Approvals needed, given (by someone other than the author, after this plan), and by whom. */
    readonly approvals: {
        readonly needed: number;
        readonly given: number;
        readonly by: readonly string[];
    };
    readonly blocked: boolean;
    /** Why the apply is refused now, in words a reviewer understands; empty when it may go ahead. */
    readonly blockedBecause: readonly string[];
    /** Conflicts found while planning (a revert whose relationships later changes touched). */
    readonly conflicts: readonly string[];
    /** What the apply re-checks for staleness. */
    readonly region: {
        readonly objects: readonly string[];
        readonly schemaSensitive: boolean;
    };
    /** For a subject or tenant deletion: what it holds and who else loses access. */
    readonly deletion?: DeletionFacts;
    /** For a merge: FROM, INTO, what INTO gains, and whether anyone else's access moves. */
    readonly merge?: MergeFacts;
    /** For a purge: what goes for good, the export bundle and its SHA-256. */
    readonly purge?: PurgeFacts;
}
export interface SummaryLine {
    readonly tenant: string;
    readonly resourceType: string;
    readonly permission: string;
    readonly gained: number;
    readonly lost: number;
    readonly resources: number;
    readonly subjects: number;
}
export interface PlanInput {
    readonly changeId: number;
    readonly tenant: string;
    readonly intent: Intent;
    readonly baseRevision: Revision;
    readonly engine: Engine;
    readonly schemaBefore: CompiledSchema;
    readonly schemaAfter: CompiledSchema;
    /** Relationships the change makes live (none of them live now). */
    readonly writes: readonly Relationship[];
    /** Live relationships the change deletes. */
    readonly deletes: readonly Relationship[];
    /** Every tenant, loaded, when the schema changes (a model change reaches all of them). */
    readonly schemaTenants: readonly string[];
    readonly guards: readonly Guard[];
    readonly conflicts?: readonly string[];
    readonly now: Date;
    /**
     * Objects (`type:id`) whose own rows the access-neutral guard does not count: a merge's FROM
     * and INTO, which lose and gain access by design.
     */
    readonly exempt?: readonly string[];
}
/**
 * Computes a plan. Only the affected region is evaluated: the objects a data change touches and
 * everything that depends on them (through the reverse index), and for a model change the
 * objects of the types whose permissions change. The change's data delta is applied to the live
 * index, evaluated, and taken back out again, all synchronously, so no other request can
 * observe the index in between.
 */
export declare function computePlan(input: PlanInput): Omit<Plan, "approvals" | "blocked" | "blockedBecause">;
