import type { ChangeRecord, Intent } from "../store/change-records.js";
import type { RelationshipFilter, Revision } from "../store/store.js";
import type { Actor, ChangeContext } from "./change-context.js";
import type { ChangeFile } from "./change-file.js";
import { type Plan } from "./plan.js";
export type { Actor, ChangeContext } from "./change-context.js";
/**
 * The lifecycle of a change: proposed, planned, approved, applied, reverted (or stale). Every
 * step is audited in the same transaction as the state it records.
 */
export declare class Changes {
    private readonly context;
    constructor(context: ChangeContext);
    private get store();
    private schema;
    /**
     * Stores a change after checking everything that can be checked now: the tenant, every tuple
     * against the schema (the change's own schema if it brings one), that deletes exist, that
     * filters name real types. Nothing is stored when anything is wrong.
     */
    propose(file: ChangeFile, options: Actor & {
        tenant: string;
        intent?: Intent;
    }): Promise<ChangeRecord>;
    private validate;
    get(id: number): Promise<ChangeRecord>;
    plan(id: number, options: Actor): Promise<{
        change: ChangeRecord;
        plan: Plan;
    }>;
    /** The relationships the change writes and deletes now, and what no longer fits. */
    private resolve;
    private guards;
    approve(id: number, options: Actor & {
        comment?: string;
    }): Promise<{
        change: ChangeRecord;
        plan: Plan;
    }>;
    apply(id: number, options: Actor): Promise<{
        change: ChangeRecord;
        plan: Plan;
        revision: Revision;
    }>;
    private markReverted;
    /**
     * Proposes the exact inverse of an applied change, plans it and, unless it is blocked, applies
     * it. Relationships that later changes touched are left alone and named as conflicts.
     */
    revert(id: number, options: Actor & {
        reason?: string;
    }): Promise<{
        revert: ChangeRecord;
        plan: Plan;
        applied: boolean;
    }>;
    /** Proposes the change that brings live relationships (matching a filter) back to revision R. */
    restore(tenant: string, toRevision: Revision, filter: RelationshipFilter, options: Actor & {
        reason?: string;
    }): Promise<ChangeRecord>;
    writeGuards(text: string, options: Actor & {
        file?: string;
    }): Promise<number>;
}
/**
 * Works out who must approve. A change that takes access away, or whose guards fail, needs an
 * approval from someone other than its author. An approval approves the plan it saw: one given
 * before the latest plan was computed does not count.
 */
export declare function withApprovals(plan: Omit<Plan, "approvals" | "blocked" | "blockedBecause">, change: ChangeRecord, approvals: ChangeRecord["approvals"]): Plan;
