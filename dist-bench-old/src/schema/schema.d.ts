import type { SchemaAst } from "./ast.js";
import type { CompiledSchema } from "./compiled.js";
export interface ParsedSchema {
    readonly ast: SchemaAst;
    readonly compiled: CompiledSchema;
}
/**
 * Parses, checks and compiles schema text. Throws one `input` error carrying every problem
 * found (each with file, line, column and the source line) when the schema is not valid.
 */
export declare function parseSchema(text: string, file?: string): ParsedSchema;
export declare function compileSchema(text: string, file?: string): CompiledSchema;
/** The canonical form of schema text (what `schema read` prints). */
export declare function formatSchema(text: string, file?: string): string;
