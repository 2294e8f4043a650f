import { GatehouseError } from "../model/errors.js";
import type { Position, Span } from "./ast.js";

export type TokenKind =
  | "identifier"
  | "{"
  | "}"
  | "("
  | ")"
  | ":"
  | "|"
  | "#"
  | "*"
  | "="
  | "+"
  | "&"
  | "-"
  | "->"
  | "."
  | "..."
  | ","
  | "<"
  | ">"
  /** The CEL text of a caveat, between its braces (read as one token: CEL has its own grammar). */
  | "cel"
  /** A newline or `;` that ends a statement (inserted as Go inserts semicolons; see `endsStatement`). */
  | "end"
  /** A character the language does not use; the parser reports it where it matters. */
  | "other"
  | "eof";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly span: Span;
  /** Comments directly above this token, for doc comments on definitions and members. */
  readonly comments: readonly string[];
}

/**
 * A newline ends a statement only after a token that can end one, the way Go inserts
 * semicolons: `view = a +⏎ b` continues, while `view = a⏎ + b` is an error, which is also
 * how SpiceDB reads it. SpiceDB's set has no `...`: after `folder#...` a newline does not end
 * the relation (the parser says so; `;` does end it).
 */
const endsStatement = new Set<TokenKind>(["identifier", ")", "*", "}"]);

const IDENT_START = /[a-zA-Z_]/;
const IDENT_PART = /[a-zA-Z0-9_]/;

export function lex(text: string, file?: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  let pendingComments: string[] = [];
  /** Braces open around the current token; a caveat's header is only read at the top level. */
  let depth = 0;
  /** After `caveat` at the start of a top-level statement, until its `{`. */
  let inCaveatHeader = false;
  let parens = 0;

  const pos = (): Position => ({ offset, line, column: offset - lineStart + 1 });
  const fail = (message: string, at: Position): never => {
    const lineEnd = text.indexOf("\n", at.offset - at.column + 1);
    const snippet = text.slice(at.offset - at.column + 1, lineEnd < 0 ? text.length : lineEnd);
    throw new GatehouseError("input", message, { file, line: at.line, column: at.column, snippet });
  };
  const push = (kind: TokenKind, start: Position, tokenText: string) => {
    tokens.push({ kind, text: tokenText, span: { start, end: pos() }, comments: pendingComments });
    pendingComments = [];
  };
  const newline = () => {
    const last = tokens[tokens.length - 1];
    if (last && endsStatement.has(last.kind)) {
      const start = pos();
      tokens.push({ kind: "end", text: "\n", span: { start, end: start }, comments: [] });
      // A caveat's parameters may span lines; outside them a statement end ends the header.
      if (parens === 0) inCaveatHeader = false;
    }
    offset++;
    line++;
    lineStart = offset;
  };

  while (offset < text.length) {
    const ch = text[offset]!;
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
      if (end < 0) fail("unterminated comment: expected `*/`", start);
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
        const c = text[end]!;
        if (IDENT_PART.test(c)) end++;
        else if (c === "/" && IDENT_START.test(text[end + 1] ?? "")) end++;
        else break;
      }
      const word = text.slice(offset, end);
      offset = end;
      const previous = tokens[tokens.length - 1];
      if (
        word === "caveat" &&
        depth === 0 &&
        (previous === undefined || previous.kind === "end" || previous.kind === "}")
      )
        inCaveatHeader = true;
      push("identifier", start, word);
      continue;
    }
    if (ch === ";") {
      if (parens === 0) inCaveatHeader = false;
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
    if (ch === "{" && inCaveatHeader) {
      inCaveatHeader = false;
      offset++;
      push("{", start, ch);
      const bodyStart = pos();
      const bodyEnd = celBodyEnd(text, offset);
      if (bodyEnd < 0) fail("unterminated caveat: expected `}` after its expression", start);
      for (let i = offset; i < bodyEnd; i++) {
        if (text[i] === "\n") {
          line++;
          lineStart = i + 1;
        }
      }
      offset = bodyEnd;
      push("cel", bodyStart, text.slice(bodyStart.offset, bodyEnd));
      continue;
    }
    if ("{}():|#*=+&-.,<>".includes(ch)) {
      if (ch === "{") depth++;
      else if (ch === "}" && depth > 0) depth--;
      else if (ch === "(") parens++;
      else if (ch === ")" && parens > 0) parens--;
      offset++;
      push(ch as TokenKind, start, ch);
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

/**
 * Where the CEL body of a caveat ends: the offset of the `}` that closes the caveat, found by
 * counting braces outside CEL string literals and comments (a map literal `{'a': 1}` or a
 * string `"}"` inside the expression does not close it). -1 when nothing closes it.
 */
function celBodyEnd(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      if (end < 0) return -1;
      i = end;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      i += quote.length;
      while (i < text.length && !text.startsWith(quote, i)) {
        if (text[i] === "\\") i++;
        else if (!triple && text[i] === "\n") return -1;
        i++;
      }
      if (i >= text.length) return -1;
      i += quote.length;
      continue;
    }
    if (ch === "{") depth++;
    else if (ch === "}") {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return -1;
}
