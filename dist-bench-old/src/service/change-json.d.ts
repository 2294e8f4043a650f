import type { Plan } from "../changes/plan.js";
import type { PurgeFacts } from "../changes/purge-facts.js";
import type { ChangeRecord } from "../store/change-records.js";
/** The JSON shapes of changes and plans, the same through the CLI (`--json`) and the HTTP API. */
export declare function changeSummaryJson(c: ChangeRecord): {
    id: number;
    tenant: string;
    intent: import("../store/change-records.js").Intent;
    state: import("../store/change-records.js").ChangeState;
    reason: string;
    author: string;
    createdAt: string;
    baseRevision: number | null;
    appliedRevision: number | null;
    revertOf: number | null;
    revertedBy: number | null;
};
/** A lifecycle proposal (subject or tenant delete, restore, merge, purge) as both surfaces answer it. */
export declare function proposalJson(c: ChangeRecord, purge?: PurgeFacts): {
    id: number;
    tenant: string;
    intent: import("../store/change-records.js").Intent;
    state: import("../store/change-records.js").ChangeState;
    reason: string;
    purge?: PurgeFacts | undefined;
};
export declare function planJson(c: ChangeRecord, plan: Plan): {
    id: number;
    tenant: string;
    intent: import("../store/change-records.js").Intent;
    state: import("../store/change-records.js").ChangeState;
    baseRevision: number;
    data: {
        readonly writes: readonly string[];
        readonly deletes: readonly string[];
    };
    changedPermissions: readonly string[];
    summary: readonly import("../changes/plan.js").SummaryLine[];
    gained: readonly import("../index.js").AccessRow[];
    lost: readonly import("../index.js").AccessRow[];
    guards: {
        name: string;
        kind: "access-neutral" | "assertions" | "max-gain" | "max-loss" | "subset";
        passed: boolean;
        message: string;
    }[];
    approvals: {
        readonly needed: number;
        readonly given: number;
        readonly by: readonly string[];
    };
    blocked: boolean;
    blockedBecause: readonly string[];
    conflicts: readonly string[];
    deletion?: import("../index.js").DeletionFacts | undefined;
    merge?: import("../index.js").MergeFacts | undefined;
    purge?: PurgeFacts | undefined;
};
