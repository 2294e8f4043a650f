import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
/** Schema, relationships, import and validation files. */
export declare function registerData(app: FastifyInstance, gatehouse: Gatehouse): void;
