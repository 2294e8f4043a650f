import { type Workload } from "./workload.js";
export interface PlanFigures {
    readonly cleanup: {
        readonly relationships: number;
        readonly seconds: number;
        readonly gained: number;
        readonly lost: number;
        readonly regionObjects: number;
    };
    readonly model: {
        readonly resources: number;
        readonly seconds: number;
        readonly gained: number;
        readonly lost: number;
    };
}
/**
 * Plans on the benchmark workload, computed by the changes layer over the in-memory engine
 * (what `gatehouse change plan` spends its time on once the tenant is loaded):
 * - a cleanup deleting 10,000 direct grants on documents (targets: at most 2 s);
 * - a model change to `document#edit` (banned users may no longer edit) over every document of
 *   the workload (target: at most 10 s for 200,000 resources).
 */
export declare function benchPlans(workload: Workload, log?: (line: string) => void, options?: {
    model?: boolean;
}): PlanFigures;
