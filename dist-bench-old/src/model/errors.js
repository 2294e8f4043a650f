/**
 * Errors are data with a place. Every failure a user can cause is a `GatehouseError` with a
 * `kind` that the surfaces translate once: the CLI into an exit code, the HTTP API into a status.
 * Anything else that escapes is an internal error, shown without its detail.
 */
export class GatehouseError extends Error {
    kind;
    place;
    /** When one input had several problems, each of them (the message summarises). */
    details;
    constructor(kind, message, place, details = []) {
        super(message);
        this.name = "GatehouseError";
        this.kind = kind;
        this.place = place;
        this.details = details;
    }
    /** `file:line:column: message` followed by the source line and a caret, as compilers print. */
    describe() {
        const parts = [this.place ? formatPlace(this.place) : "", this.message].filter((p) => p !== "");
        let text = parts.join(": ");
        const snippet = this.place?.snippet;
        if (snippet !== undefined && this.place?.column !== undefined) {
            text += `\n  ${snippet}\n  ${" ".repeat(Math.max(0, this.place.column - 1))}^`;
        }
        return text;
    }
}
export function formatPlace(place) {
    let out = place.file ?? "";
    if (place.line !== undefined) {
        out += `${out ? ":" : "line "}${place.line}`;
        if (place.column !== undefined)
            out += `:${place.column}`;
    }
    if (place.field !== undefined)
        out += `${out ? " " : ""}(${place.field})`;
    return out;
}
export function inputError(message, place) {
    return new GatehouseError("input", message, place);
}
/** Gathers every problem of one input so that all are reported together, then throws once. */
export class Diagnostics {
    errors = [];
    add(message, place) {
        this.errors.push(new GatehouseError("input", message, place));
    }
    get ok() {
        return this.errors.length === 0;
    }
    /** Throws the problems in the order they stand in the input (errors without a line last). */
    throwIfAny(summary) {
        if (this.errors.length === 0)
            return;
        const line = (e) => e.place?.line ?? Number.MAX_SAFE_INTEGER;
        this.errors.sort((a, b) => line(a) - line(b) || (a.place?.column ?? 0) - (b.place?.column ?? 0));
        if (this.errors.length === 1)
            throw this.errors[0];
        const first = this.errors[0];
        throw new GatehouseError("input", `${summary}: ${this.errors.length} errors`, first.place, this.errors);
    }
}
//# sourceMappingURL=errors.js.map