import type { Command } from "commander";
import { type GlobalOptions } from "../context.js";
export declare function registerDemo(program: Command, globals: () => GlobalOptions): void;
