import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
import type { Metrics } from "../metrics.js";
/** Checks and lookups: the hot path, read-only, role `check`. */
export declare function registerQueries(app: FastifyInstance, gatehouse: Gatehouse, metrics: Metrics): void;
