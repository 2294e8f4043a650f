import { Diagnostics, GatehouseError } from "../model/errors.js";
import { parseRelationship } from "../model/relationship.js";
/** Errors past this many are summarised; a broken million-line file should not print a million lines. */
const MAX_REPORTED = 20;
/**
 * Reads one tuple a line (`resource#relation@subject`), skipping blank lines and `//` comments.
 * Every malformed line is reported with its line and column; nothing is returned unless all parse.
 */
export function parseTupleLines(text, file, relationWord = "relation") {
    const diagnostics = new Diagnostics();
    const out = [];
    let line = 0;
    let failures = 0;
    for (const raw of text.split("\n")) {
        line++;
        const content = raw.replace(/\r$/, "");
        const trimmed = content.trim();
        if (trimmed === "" || trimmed.startsWith("//"))
            continue;
        const place = { ...(file !== undefined ? { file } : {}), line, column: 1, snippet: content };
        try {
            out.push({ relationship: parseRelationship(content, place, relationWord), line });
        }
        catch (error) {
            if (!(error instanceof GatehouseError))
                throw error;
            failures++;
            if (failures <= MAX_REPORTED)
                diagnostics.errors.push(error);
        }
    }
    if (failures > MAX_REPORTED)
        diagnostics.add(`… and ${failures - MAX_REPORTED} more malformed lines`);
    diagnostics.throwIfAny(`${file ?? "input"} has malformed lines`);
    return out;
}
//# sourceMappingURL=tuple-lines.js.map