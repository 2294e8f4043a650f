import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
/**
 * The decision log of one tenant. Role `approve`: the log says who accessed what and when,
 * which is more than a token that may only check (or write data) should learn about others.
 */
export declare function registerDecisions(app: FastifyInstance, gatehouse: Gatehouse): void;
