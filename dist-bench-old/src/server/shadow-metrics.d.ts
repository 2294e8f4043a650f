import { type Registry } from "prom-client";
import type { Shadow } from "../rollout/shadow.js";
/**
 * Prometheus metrics of shadow evaluation in this process, beside the check metrics. They are
 * read from the shadow's own counters when scraped, so the check path does no metric work.
 * The gauge aggregates by `max` across the workers of `serve --workers N`; counters add up.
 */
export declare class ShadowMetrics {
    constructor(registry: Registry, shadow: Shadow);
}
