import type { Command } from "commander";
import { type GlobalOptions } from "../context.js";
/** `gatehouse rollout start|promote|rollback|status`: a model change tenant by tenant. */
export declare function registerRollout(program: Command, globals: () => GlobalOptions): void;
