import type { Command } from "commander";
import { type GlobalOptions } from "../context.js";
export declare function registerAudit(program: Command, globals: () => GlobalOptions): void;
