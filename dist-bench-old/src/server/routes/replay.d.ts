import type { FastifyInstance } from "fastify";
import type { Gatehouse } from "../../service/gatehouse.js";
/**
 * Replay of the decision log against a change. Store-wide (a model change is replayed over
 * every tenant's decisions), and `propose`: it reads every tenant's log and loads indexes, so it
 * is not for every token that may check.
 */
export declare function registerReplay(app: FastifyInstance, gatehouse: Gatehouse): void;
