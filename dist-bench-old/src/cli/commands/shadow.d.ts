import type { Command } from "commander";
import type { ShadowReport } from "../../rollout/shadow.js";
import { type GlobalOptions } from "../context.js";
export declare function wholeNumber(text: string, what: string): number;
export declare function shadowHeading(r: ShadowReport): string;
export declare function registerShadow(program: Command, globals: () => GlobalOptions): void;
