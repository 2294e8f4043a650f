import { Diagnostics } from "../model/errors.js";
import type { SchemaAst } from "./ast.js";
import { checkSchema } from "./checker.js";
import type { CompiledSchema } from "./compiled.js";
import { parseSchemaText, placeOf } from "./parser.js";
import { printSchema } from "./printer.js";

export interface ParsedSchema {
  readonly ast: SchemaAst;
  readonly compiled: CompiledSchema;
}

/**
 * Parses, checks and compiles schema text in all of SpiceDB's language, caveats and expiration
 * included. Throws one `input` error carrying every problem found (each with file, line,
 * column and the source line) when the schema is not valid.
 */
export function checkSchemaLanguage(text: string, file?: string): ParsedSchema {
  const ast = parseSchemaText(text, file);
  const lines = text.split("\n");
  const diagnostics = new Diagnostics();
  const compiled = checkSchema(ast, text, (span) => placeOf(span, file, lines), diagnostics);
  diagnostics.throwIfAny(`invalid schema${file ? ` in ${file}` : ""}`);
  return { ast, compiled };
}

/**
 * Parses, checks and compiles a schema to be put in force (every caller that hands a schema to
 * the engine, validates a file or plans a change goes through here).
 */
export function parseSchema(text: string, file?: string): ParsedSchema {
  return checkSchemaLanguage(text, file);
}

export function compileSchema(text: string, file?: string): CompiledSchema {
  return parseSchema(text, file).compiled;
}

/** The canonical form of schema text (what `schema read` prints). */
export function formatSchema(text: string, file?: string): string {
  return printSchema(parseSchemaText(text, file));
}
