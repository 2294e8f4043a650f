import { Diagnostics } from "../model/errors.js";
import { lex } from "./lexer.js";
/** Thrown inside the parser to unwind to the nearest recovery point; never escapes `parse`. */
class SyntaxProblem extends Error {
}
/**
 * Parses schema text into a tree. Syntax errors are collected: after one, the parser skips to
 * the end of the statement and goes on, so a file with several mistakes reports them all.
 * Operator precedence is SpiceDB's (measured against it): `->` binds tightest, then `+`, then
 * `&`, then `-`; each level is left-associative, so `a - b + c` means `a - (b + c)`.
 */
export function parseSchemaText(text, file) {
    const diagnostics = new Diagnostics();
    // The lexer throws a positioned error itself (an unterminated comment).
    const tokens = lex(text, file);
    const lines = text.split("\n");
    const parser = new Parser(tokens, diagnostics, (span) => placeOf(span, file, lines));
    const ast = parser.parseSchema();
    diagnostics.throwIfAny(`invalid schema${file ? ` in ${file}` : ""}`);
    return ast;
}
export function placeOf(span, file, lines) {
    return {
        ...(file !== undefined ? { file } : {}),
        line: span.start.line,
        column: span.start.column,
        snippet: lines[span.start.line - 1] ?? "",
    };
}
function describeToken(token) {
    if (token.kind === "eof")
        return "the end of the schema";
    if (token.kind === "other")
        return `the unexpected character \`${token.text}\``;
    if (token.kind === "end")
        return token.text === ";" ? "`;`" : "the end of the line";
    return `\`${token.text}\``;
}
class Parser {
    tokens;
    diagnostics;
    place;
    index = 0;
    constructor(tokens, diagnostics, place) {
        this.tokens = tokens;
        this.diagnostics = diagnostics;
        this.place = place;
    }
    get current() {
        return this.tokens[this.index];
    }
    advance() {
        const token = this.current;
        if (token.kind !== "eof")
            this.index++;
        return token;
    }
    is(kind, text) {
        return this.current.kind === kind && (text === undefined || this.current.text === text);
    }
    fail(expected, token = this.current) {
        this.diagnostics.add(`expected ${expected}, found ${describeToken(token)}`, this.place(token.span));
        throw new SyntaxProblem();
    }
    expect(kind, expected) {
        if (!this.is(kind))
            this.fail(expected);
        return this.advance();
    }
    skipEnds() {
        while (this.is("end"))
            this.advance();
    }
    span(start, end = this.tokens[this.index - 1] ?? start) {
        return { start: start.span.start, end: end.span.end };
    }
    parseSchema() {
        const definitions = [];
        this.skipEnds();
        while (!this.is("eof")) {
            try {
                const keyword = this.current;
                if (this.is("identifier", "definition")) {
                    definitions.push(this.parseDefinition());
                }
                else if (this.is("identifier", "caveat")) {
                    this.unsupported(keyword, "caveats are not supported yet");
                }
                else if (this.is("identifier", "use")) {
                    this.unsupported(keyword, "`use` directives (such as `use expiration`) are not supported yet");
                }
                else {
                    this.fail("`definition`");
                }
            }
            catch (error) {
                if (!(error instanceof SyntaxProblem))
                    throw error;
                this.recoverToTopLevel();
            }
            this.skipEnds();
        }
        return { definitions };
    }
    unsupported(token, message) {
        this.diagnostics.add(message, this.place(token.span));
        throw new SyntaxProblem();
    }
    /** Skips to the next `definition` at the start of a statement, or the end. */
    recoverToTopLevel() {
        this.advance();
        while (!this.is("eof")) {
            const previous = this.tokens[this.index - 1];
            if (this.is("identifier", "definition") && (previous === undefined || previous.kind === "end"))
                return;
            this.advance();
        }
    }
    parseDefinition() {
        const keyword = this.advance();
        const nameToken = this.expect("identifier", "a definition name");
        this.expect("{", "`{`");
        const members = [];
        this.skipEnds();
        while (!this.is("}")) {
            if (this.is("eof"))
                this.fail("`}` to close the definition");
            try {
                members.push(this.parseMember());
                if (!this.is("}"))
                    this.expect("end", "the end of the line");
            }
            catch (error) {
                if (!(error instanceof SyntaxProblem))
                    throw error;
                // Skip the rest of the broken statement; the next member starts after a line end.
                while (!this.is("end") && !this.is("}") && !this.is("eof"))
                    this.advance();
            }
            this.skipEnds();
        }
        const close = this.advance();
        return {
            kind: "definition",
            name: nameToken.text,
            span: this.span(keyword, close),
            nameSpan: nameToken.span,
            comments: keyword.comments,
            members,
        };
    }
    parseMember() {
        const keyword = this.current;
        if (this.is("identifier", "relation"))
            return this.parseRelation();
        if (this.is("identifier", "permission"))
            return this.parsePermission();
        if (this.is("identifier", "caveat"))
            this.unsupported(keyword, "caveats are not supported yet");
        return this.fail("`relation` or `permission`");
    }
    parseRelation() {
        const keyword = this.advance();
        const nameToken = this.expect("identifier", "a relation name");
        this.expect(":", "`:` and the allowed subject types");
        const allowed = [this.parseAllowedSubject()];
        while (this.is("|")) {
            this.advance();
            allowed.push(this.parseAllowedSubject());
        }
        return {
            kind: "relation",
            name: nameToken.text,
            span: this.span(keyword),
            nameSpan: nameToken.span,
            comments: keyword.comments,
            allowed,
        };
    }
    parseAllowedSubject() {
        const typeToken = this.expect("identifier", "a subject type");
        let relation;
        let wildcard = false;
        if (this.is(":")) {
            this.advance();
            this.expect("*", "`*` after `:` (a wildcard such as `user:*`)");
            wildcard = true;
        }
        else if (this.is("#")) {
            this.advance();
            if (this.is("..."))
                relation = this.advance().text;
            else
                relation = this.expect("identifier", "a relation name or `...` after `#`").text;
        }
        if (this.is("identifier", "with")) {
            this.unsupported(this.current, "caveats and expiration (`with ...`) are not supported yet");
        }
        return { type: typeToken.text, span: this.span(typeToken), relation, wildcard };
    }
    parsePermission() {
        const keyword = this.advance();
        const nameToken = this.expect("identifier", "a permission name");
        this.expect("=", "`=` and an expression");
        const expression = this.parseExclusion(0);
        return {
            kind: "permission",
            name: nameToken.text,
            span: this.span(keyword),
            nameSpan: nameToken.span,
            comments: keyword.comments,
            expression,
        };
    }
    /** Inside parentheses a line end does not end the statement. */
    skipEndsIn(depth) {
        if (depth > 0)
            this.skipEnds();
    }
    parseExclusion(depth) {
        const first = this.current;
        let left = this.parseIntersection(depth);
        this.skipEndsIn(depth);
        while (this.is("-")) {
            this.advance();
            this.skipEndsIn(depth);
            const right = this.parseIntersection(depth);
            left = { kind: "exclusion", span: this.span(first), base: left, subtracted: right };
            this.skipEndsIn(depth);
        }
        return left;
    }
    parseIntersection(depth) {
        return this.parseOperands("intersection", "&", depth, (d) => this.parseUnion(d));
    }
    parseUnion(depth) {
        return this.parseOperands("union", "+", depth, (d) => this.parseArrow(d));
    }
    /** `a OP b OP c` as one n-ary node (or just `a`), each operand parsed by `operand`. */
    parseOperands(kind, operator, depth, operand) {
        const first = this.current;
        const operands = [operand(depth)];
        this.skipEndsIn(depth);
        while (this.is(operator)) {
            this.advance();
            this.skipEndsIn(depth);
            operands.push(operand(depth));
            this.skipEndsIn(depth);
        }
        return operands.length === 1 ? operands[0] : { kind, span: this.span(first), operands };
    }
    parseArrow(depth) {
        const first = this.current;
        if (this.is("(")) {
            this.advance();
            this.skipEnds();
            const inner = this.parseExclusion(depth + 1);
            this.skipEnds();
            this.expect(")", "`)`");
            if (this.is("->") || this.is("."))
                this.fail("an operator; arrows start from a relation name");
            return inner;
        }
        const name = this.expect("identifier", "a relation or permission name, `nil` or `(`");
        if (name.text === "nil" && !this.is("->") && !this.is("."))
            return { kind: "nil", span: name.span };
        if (this.is("->")) {
            this.advance();
            const computed = this.expect("identifier", "a relation or permission name after `->`");
            if (this.is("->"))
                this.fail("an operator; arrows cannot be chained (`a->b->c`)");
            return {
                kind: "arrow",
                span: this.span(first),
                tupleset: name.text,
                tuplesetSpan: name.span,
                computed: computed.text,
                computedSpan: computed.span,
                mode: "arrow",
            };
        }
        if (this.is(".")) {
            this.advance();
            const fn = this.expect("identifier", "`any` or `all` after `.`");
            if (fn.text !== "any" && fn.text !== "all")
                this.fail("`any` or `all` after `.`", fn);
            this.expect("(", "`(`");
            const computed = this.expect("identifier", "a relation or permission name");
            this.expect(")", "`)`");
            return {
                kind: "arrow",
                span: this.span(first),
                tupleset: name.text,
                tuplesetSpan: name.span,
                computed: computed.text,
                computedSpan: computed.span,
                mode: fn.text,
            };
        }
        return { kind: "reference", span: name.span, name: name.text };
    }
}
//# sourceMappingURL=parser.js.map