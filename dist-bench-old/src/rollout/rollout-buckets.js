import { createHash } from "node:crypto";
/**
 * A tenant's rollout bucket, 0 to 99: a hash of its name and nothing else, so that a tenant in
 * a 5% rollout is still in at 10%, 25% and 50% (buckets never move as the percent grows), and
 * every process and node puts it in the same bucket.
 */
export function tenantBucket(tenant) {
    return createHash("sha256").update(tenant).digest().readUInt32BE(0) % 100;
}
/** Whether a step (listed tenants and a percent of buckets) includes the tenant. */
export function inStep(step, tenant) {
    return step.tenants.includes(tenant) || (step.percent > 0 && tenantBucket(tenant) < step.percent);
}
/** The percents `rollout promote` steps through when no step is given; after the last, all. */
export const PERCENT_LADDER = [1, 5, 10, 25, 50];
//# sourceMappingURL=rollout-buckets.js.map