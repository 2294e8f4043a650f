import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
/** Changes: propose, plan, approve, apply, revert; restore; guards. */
export declare function registerChanges(app: FastifyInstance, gatehouse: Gatehouse): void;
