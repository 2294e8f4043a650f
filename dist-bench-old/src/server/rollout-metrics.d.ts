import { type Registry } from "prom-client";
import type { Rollouts } from "../rollout/rollouts.js";
/**
 * Rollout gauges and counters beside the check metrics, read from the rollout layer when
 * scraped: the check path only bumps plain numbers there. Gauges of store-wide state aggregate
 * by `max` across the workers of `serve --workers N`; counters add up.
 */
export declare function registerRolloutMetrics(registry: Registry, rollouts: Rollouts): void;
