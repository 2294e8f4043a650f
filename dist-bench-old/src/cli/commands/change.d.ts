import type { Command } from "commander";
import type { Plan } from "../../changes/plan.js";
import type { ChangeRecord } from "../../store/change-records.js";
import { type GlobalOptions } from "../context.js";
export declare function registerChange(program: Command, globals: () => GlobalOptions): void;
export declare function formatPlan(c: ChangeRecord, plan: Plan, offset?: number, limit?: number): string;
