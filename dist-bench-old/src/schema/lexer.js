import { GatehouseError } from "../model/errors.js";
/**
 * A newline ends a statement only after a token that can end one, the way Go inserts
 * semicolons: `view = a +⏎ b` continues, while `view = a⏎ + b` is an error, which is also
 * how SpiceDB reads it.
 */
const endsStatement = new Set(["identifier", ")", "*", "...", "}"]);
const IDENT_START = /[a-zA-Z_]/;
const IDENT_PART = /[a-zA-Z0-9_]/;
export function lex(text, file) {
    const tokens = [];
    let offset = 0;
    let line = 1;
    let lineStart = 0;
    let pendingComments = [];
    const pos = () => ({ offset, line, column: offset - lineStart + 1 });
    const fail = (message, at) => {
        const lineEnd = text.indexOf("\n", at.offset - at.column + 1);
        const snippet = text.slice(at.offset - at.column + 1, lineEnd < 0 ? text.length : lineEnd);
        throw new GatehouseError("input", message, { file, line: at.line, column: at.column, snippet });
    };
    const push = (kind, start, tokenText) => {
        tokens.push({ kind, text: tokenText, span: { start, end: pos() }, comments: pendingComments });
        pendingComments = [];
    };
    const newline = () => {
        const last = tokens[tokens.length - 1];
        if (last && endsStatement.has(last.kind)) {
            const start = pos();
            tokens.push({ kind: "end", text: "\n", span: { start, end: start }, comments: [] });
        }
        offset++;
        line++;
        lineStart = offset;
    };
    while (offset < text.length) {
        const ch = text[offset];
        const next = text[offset + 1];
        if (ch === "\n") {
            newline();
            continue;
        }
        if (ch === " " || ch === "\t" || ch === "\r") {
            offset++;
            continue;
        }
        const start = pos();
        if (ch === "/" && next === "/") {
            const end = text.indexOf("\n", offset);
            const stop = end < 0 ? text.length : end;
            pendingComments.push(text.slice(offset, stop).trimEnd());
            offset = stop;
            continue;
        }
        if (ch === "/" && next === "*") {
            const end = text.indexOf("*/", offset + 2);
            if (end < 0)
                fail("unterminated comment: expected `*/`", start);
            const body = text.slice(offset, end + 2);
            pendingComments.push(body);
            for (let i = offset; i < end + 2; i++) {
                if (text[i] === "\n") {
                    line++;
                    lineStart = i + 1;
                }
            }
            offset = end + 2;
            continue;
        }
        if (IDENT_START.test(ch)) {
            let end = offset + 1;
            // A `/` inside a name is a type prefix (`test/user`), never a comment start.
            while (end < text.length) {
                const c = text[end];
                if (IDENT_PART.test(c))
                    end++;
                else if (c === "/" && IDENT_START.test(text[end + 1] ?? ""))
                    end++;
                else
                    break;
            }
            const word = text.slice(offset, end);
            offset = end;
            push("identifier", start, word);
            continue;
        }
        if (ch === ";") {
            offset++;
            tokens.push({ kind: "end", text: ";", span: { start, end: pos() }, comments: [] });
            continue;
        }
        if (ch === "-" && next === ">") {
            offset += 2;
            push("->", start, "->");
            continue;
        }
        if (ch === "." && next === "." && text[offset + 2] === ".") {
            offset += 3;
            push("...", start, "...");
            continue;
        }
        if ("{}():|#*=+&-.,".includes(ch)) {
            offset++;
            push(ch, start, ch);
            continue;
        }
        offset++;
        push("other", start, ch);
    }
    const last = tokens[tokens.length - 1];
    if (last && endsStatement.has(last.kind)) {
        const p = pos();
        tokens.push({ kind: "end", text: "", span: { start: p, end: p }, comments: [] });
    }
    const end = pos();
    tokens.push({ kind: "eof", text: "", span: { start: end, end }, comments: pendingComments });
    return tokens;
}
//# sourceMappingURL=lexer.js.map