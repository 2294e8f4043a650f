/**
 * A tenant's rollout bucket, 0 to 99: a hash of its name and nothing else, so that a tenant in
 * a 5% rollout is still in at 10%, 25% and 50% (buckets never move as the percent grows), and
 * every process and node puts it in the same bucket.
 */
export declare function tenantBucket(tenant: string): number;
/** Whether a step (listed tenants and a percent of buckets) includes the tenant. */
export declare function inStep(step: {
    readonly tenants: readonly string[];
    readonly percent: number;
}, tenant: string): boolean;
/** The percents `rollout promote` steps through when no step is given; after the last, all. */
export declare const PERCENT_LADDER: readonly number[];
