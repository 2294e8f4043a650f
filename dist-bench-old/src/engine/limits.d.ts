import type { MemberDef } from "../schema/compiled.js";
import type { Evaluator } from "./evaluator.js";
export declare function depthExceeded(evaluator: Evaluator, object: number, member: MemberDef): never;
