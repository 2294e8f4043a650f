import { GatehouseError } from "../model/errors.js";
export function createOutput(json) {
    let progressShown = false;
    return {
        json,
        result(human, data) {
            if (json)
                process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
            else {
                const text = typeof human === "function" ? human() : human;
                if (text !== "")
                    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
            }
        },
        progress(text) {
            if (!process.stderr.isTTY)
                return;
            process.stderr.write(`\r\x1b[2K${text}`);
            progressShown = true;
        },
        doneProgress() {
            if (progressShown)
                process.stderr.write("\r\x1b[2K");
            progressShown = false;
        },
    };
}
export function formatError(error, json) {
    if (error instanceof GatehouseError) {
        if (json) {
            const one = (e) => ({
                kind: e.kind,
                message: e.message,
                ...(e.place ? { place: e.place } : {}),
            });
            return JSON.stringify({ error: { ...one(error), details: error.details.map(one) } }, null, 2);
        }
        const lines = [`error: ${error.describe()}`];
        for (const detail of error.details)
            lines.push(`  ${detail.describe().replaceAll("\n", "\n  ")}`);
        return lines.join("\n");
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return json
        ? JSON.stringify({ error: { kind: "internal", message: "internal error", detail: message } }, null, 2)
        : `internal error (a bug in gatehouse; please report it):\n${message}`;
}
const MARK = { true: "✓", false: "✗" };
/** An explain tree as an indented proof, one step a line. */
export function formatExplain(node, indent = "") {
    const via = node.relationship ? `  [${node.relationship}]` : "";
    const lines = [`${indent}${MARK[node.result ? "true" : "false"]} ${node.label}${via}`];
    for (const child of node.children)
        lines.push(formatExplain(child, `${indent}  `));
    return lines.join("\n");
}
//# sourceMappingURL=output.js.map