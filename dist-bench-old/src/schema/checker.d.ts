import { Diagnostics, type Place } from "../model/errors.js";
import type { SchemaAst, Span } from "./ast.js";
import type { CompiledSchema } from "./compiled.js";
/**
 * Checks a parsed schema and compiles it. Every problem is collected (unknown types and
 * relations, arrows over missing or unsuitable relations, permissions that reference each
 * other in a cycle, duplicates, bad names) and reported together with its place.
 */
export declare function checkSchema(ast: SchemaAst, text: string, place: (span: Span) => Place, diagnostics?: Diagnostics): CompiledSchema;
