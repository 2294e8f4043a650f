import type { Span } from "./ast.js";
export type TokenKind = "identifier" | "{" | "}" | "(" | ")" | ":" | "|" | "#" | "*" | "=" | "+" | "&" | "-" | "->" | "." | "..." | ","
/** A newline or `;` that ends a statement (inserted as Go inserts semicolons; see `endsStatement`). */
 | "end"
/** A character the language does not use; the parser reports it where it matters. */
 | "other" | "eof";
export interface Token {
    readonly kind: TokenKind;
    readonly text: string;
    readonly span: Span;
    /** Comments directly above this token, for doc comments on definitions and members. */
    readonly comments: readonly string[];
}
export declare function lex(text: string, file?: string): Token[];
