import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
/**
 * The incident report. Store-wide and `approve`: a change (a model change above all) can move
 * access in every tenant, and the report names who used what, in all of them.
 */
export declare function registerIncident(app: FastifyInstance, gatehouse: Gatehouse): void;
