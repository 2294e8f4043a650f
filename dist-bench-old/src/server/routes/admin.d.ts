import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
/** Tokens and the audit log: store-wide, role `admin`. */
export declare function registerAdmin(app: FastifyInstance, gatehouse: Gatehouse, onRevoke: () => void): void;
