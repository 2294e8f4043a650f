import type { CompiledSchema, Expression } from "../schema/compiled.js";
export declare function cheapestFirst(schema: CompiledSchema): (Expression | undefined)[];
