import { Diagnostics } from "../model/errors.js";
import { checkSchema } from "./checker.js";
import { parseSchemaText, placeOf } from "./parser.js";
import { printSchema } from "./printer.js";
/**
 * Parses, checks and compiles schema text. Throws one `input` error carrying every problem
 * found (each with file, line, column and the source line) when the schema is not valid.
 */
export function parseSchema(text, file) {
    const ast = parseSchemaText(text, file);
    const lines = text.split("\n");
    const diagnostics = new Diagnostics();
    const compiled = checkSchema(ast, text, (span) => placeOf(span, file, lines), diagnostics);
    diagnostics.throwIfAny(`invalid schema${file ? ` in ${file}` : ""}`);
    return { ast, compiled };
}
export function compileSchema(text, file) {
    return parseSchema(text, file).compiled;
}
/** The canonical form of schema text (what `schema read` prints). */
export function formatSchema(text, file) {
    return printSchema(parseSchemaText(text, file));
}
//# sourceMappingURL=schema.js.map