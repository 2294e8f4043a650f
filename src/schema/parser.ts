import { Diagnostics, type Place } from "../model/errors.js";
import {
  type AllowedSubjectAst,
  type CaveatAst,
  type CaveatParameterAst,
  type CaveatTypeAst,
  type DefinitionAst,
  type ExpressionAst,
  type MemberAst,
  type PermissionAst,
  type RelationAst,
  type SchemaAst,
  type Span,
  type TopLevelAst,
  type TypeAnnotationAst,
  USE_FEATURES,
  type UseAst,
  type UseFeature,
} from "./ast.js";
import { lex, type Token, type TokenKind } from "./lexer.js";
import { expressionDepthExceeded, MAX_EXPRESSION_DEPTH } from "./limits.js";
import { advanceBy } from "./position.js";

/** Thrown inside the parser to unwind to the nearest recovery point; never escapes `parse`. */
class SyntaxProblem extends Error {}

/**
 * Parses schema text into a tree. Syntax errors are collected: after one, the parser skips to
 * the end of the statement and goes on, so a file with several mistakes reports them all.
 * Operator precedence is SpiceDB's (measured against it): `->` binds tightest, then `+`, then
 * `&`, then `-`; each level is left-associative, so `a - b + c` means `a - (b + c)`.
 */
export function parseSchemaText(text: string, file?: string): SchemaAst {
  const diagnostics = new Diagnostics();
  // The lexer throws a positioned error itself (an unterminated comment).
  const tokens = lex(text, file);
  const lines = text.split("\n");
  const parser = new Parser(tokens, diagnostics, (span) => placeOf(span, file, lines));
  const ast = parser.parseSchema();
  diagnostics.throwIfAny(`invalid schema${file ? ` in ${file}` : ""}`);
  return ast;
}

export function placeOf(span: Span, file: string | undefined, lines: readonly string[]): Place {
  return {
    ...(file !== undefined ? { file } : {}),
    line: span.start.line,
    column: span.start.column,
    snippet: lines[span.start.line - 1] ?? "",
  };
}

function describeToken(token: Token): string {
  if (token.kind === "eof") return "the end of the schema";
  if (token.kind === "other") return `the unexpected character \`${token.text}\``;
  if (token.kind === "end") return token.text === ";" ? "`;`" : "the end of the line";
  return `\`${token.text}\``;
}

/**
 * Levels of operators in an expression (a bare name is 0, `a + b` is 1), counted without
 * recursion: exclusions chain to the left without parentheses (`a - b - c - ...`), so the
 * tree can be as deep as the text is long before anything else walks it.
 */
export function expressionDepth(root: ExpressionAst): number {
  let deepest = 0;
  const pending: Array<[ExpressionAst, number]> = [[root, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [e, depth] = next;
    if (e.kind === "union" || e.kind === "intersection") {
      for (const operand of e.operands) pending.push([operand, depth + 1]);
    } else if (e.kind === "exclusion") {
      pending.push([e.base, depth + 1], [e.subtracted, depth + 1]);
    } else if (depth > deepest) deepest = depth;
  }
  return deepest;
}

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly diagnostics: Diagnostics,
    private readonly place: (span: Span) => Place,
  ) {}

  private get current(): Token {
    return this.tokens[this.index]!;
  }

  private advance(): Token {
    const token = this.current;
    if (token.kind !== "eof") this.index++;
    return token;
  }

  private is(kind: TokenKind, text?: string): boolean {
    return this.current.kind === kind && (text === undefined || this.current.text === text);
  }

  private fail(expected: string, token: Token = this.current): never {
    this.diagnostics.add(`expected ${expected}, found ${describeToken(token)}`, this.place(token.span));
    throw new SyntaxProblem();
  }

  private expect(kind: TokenKind, expected: string): Token {
    if (!this.is(kind)) this.fail(expected);
    return this.advance();
  }

  private skipEnds(): void {
    while (this.is("end")) this.advance();
  }

  private span(start: Token, end: Token = this.tokens[this.index - 1] ?? start): Span {
    return { start: start.span.start, end: end.span.end };
  }

  /** Features switched on by `use` so far: like SpiceDB's, a directive acts on what follows it. */
  private readonly features = new Set<UseFeature>();

  parseSchema(): SchemaAst {
    const items: TopLevelAst[] = [];
    this.skipEnds();
    while (!this.is("eof")) {
      try {
        if (this.is("identifier", "definition")) {
          items.push(this.parseDefinition());
        } else if (this.is("identifier", "caveat")) {
          items.push(this.parseCaveat());
        } else if (this.is("identifier", "use")) {
          if (items.some((i) => i.kind !== "use"))
            this.problem(this.current, "`use` directives must come before every definition and caveat");
          items.push(this.parseUse());
        } else {
          this.fail("`definition`, `caveat` or `use`");
        }
      } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        this.recoverToTopLevel();
      }
      this.skipEnds();
    }
    return {
      definitions: items.filter((i): i is DefinitionAst => i.kind === "definition"),
      caveats: items.filter((i): i is CaveatAst => i.kind === "caveat"),
      uses: items.filter((i): i is UseAst => i.kind === "use"),
      items,
    };
  }

  private problem(token: Token, message: string): never {
    this.diagnostics.add(message, this.place(token.span));
    throw new SyntaxProblem();
  }

  /** `use expiration`, `use self`, `use typechecking`. */
  private parseUse(): UseAst {
    const keyword = this.advance();
    const flag = this.expect(
      "identifier",
      `a feature after \`use\` (${USE_FEATURES.map((f) => `\`${f}\``).join(", ")})`,
    );
    const feature = USE_FEATURES.find((f) => f === flag.text);
    if (feature === undefined)
      this.problem(
        flag,
        `unknown feature \`${flag.text}\` in \`use\`: expected one of ${USE_FEATURES.map((f) => `\`${f}\``).join(", ")}`,
      );
    if (this.features.has(feature)) this.problem(flag, `\`use ${feature}\` is written more than once`);
    this.features.add(feature);
    if (!this.is("eof")) this.expect("end", "the end of the line after the `use` directive");
    return { kind: "use", feature, span: this.span(keyword, flag), comments: keyword.comments };
  }

  /** `caveat name(param type, ...) { CEL }`: the CEL text is kept as written, checked later. */
  private parseCaveat(): CaveatAst {
    const keyword = this.advance();
    const nameToken = this.expect("identifier", "a caveat name");
    this.expect("(", "`(` and the caveat's parameters");
    const parameters: CaveatParameterAst[] = [];
    this.skipEnds();
    while (!this.is(")")) {
      if (parameters.length > 0) {
        this.expect(",", "`,` or `)`");
        this.skipEnds();
      }
      const name = this.expect("identifier", "a parameter name");
      const type = this.parseCaveatType();
      parameters.push({ name: name.text, span: this.span(name), type });
      this.skipEnds();
    }
    this.advance();
    this.expect("{", "`{` and the caveat's expression");
    const body = this.expect("cel", "the caveat's expression");
    const close = this.expect("}", "`}` to close the caveat");
    const leading = body.text.length - body.text.trimStart().length;
    const expression = body.text.trim();
    const start = advanceBy(body.span.start, body.text.slice(0, leading));
    return {
      kind: "caveat",
      name: nameToken.text,
      span: this.span(keyword, close),
      nameSpan: nameToken.span,
      comments: keyword.comments,
      parameters,
      expression,
      expressionSpan: { start, end: advanceBy(start, expression) },
    };
  }

  /** `int`, `list<string>`, `map<list<int>>`. */
  private parseCaveatType(): CaveatTypeAst {
    const name = this.expect("identifier", "a parameter type such as `int`, `string` or `list<string>`");
    const args: CaveatTypeAst[] = [];
    if (this.is("<")) {
      this.advance();
      args.push(this.parseCaveatType());
      while (this.is(",")) {
        this.advance();
        args.push(this.parseCaveatType());
      }
      this.expect(">", "`>`");
    }
    return { name: name.text, span: this.span(name), arguments: args };
  }

  /** Skips to the next `definition` at the start of a statement, or the end. */
  private recoverToTopLevel(): void {
    this.advance();
    while (!this.is("eof")) {
      const previous = this.tokens[this.index - 1];
      const topLevel =
        this.is("identifier", "definition") ||
        this.is("identifier", "caveat") ||
        this.is("identifier", "use");
      if (topLevel && (previous === undefined || previous.kind === "end" || previous.kind === "}")) return;
      this.advance();
    }
  }

  private parseDefinition(): DefinitionAst {
    const keyword = this.advance();
    const nameToken = this.expect("identifier", "a definition name");
    this.expect("{", "`{`");
    const members: MemberAst[] = [];
    this.skipEnds();
    while (!this.is("}")) {
      if (this.is("eof")) this.fail("`}` to close the definition");
      try {
        const member = this.parseMember();
        members.push(member);
        // SpiceDB ends every member with a line end or `;`, and `}` is neither: it refuses
        // `definition group { relation member: user }` and a last member written before `}` on
        // its line. A schema Gatehouse accepts must be one SpiceDB accepts (users move both ways).
        if (this.is("}"))
          this.problem(
            this.current,
            `expected \`;\` or the end of the line after ${member.kind} \`${member.name}\`, found \`}\`: SpiceDB needs each member of a definition to end with a line end or \`;\`; put \`}\` on a line of its own`,
          );
        else this.expect("end", "the end of the line");
      } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        // Skip the rest of the broken statement; the next member starts after a line end.
        while (!this.is("end") && !this.is("}") && !this.is("eof")) this.advance();
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

  private parseMember(): MemberAst {
    const keyword = this.current;
    if (this.is("identifier", "relation")) return this.parseRelation();
    if (this.is("identifier", "permission")) return this.parsePermission();
    if (this.is("identifier", "caveat"))
      this.problem(keyword, "a caveat is defined at the top level of the schema, not inside a definition");
    return this.fail("`relation` or `permission`");
  }

  /** With `use self`, `self` is a keyword (as in SpiceDB) and cannot name a member. */
  private memberName(what: "relation" | "permission"): Token {
    const name = this.expect("identifier", `a ${what} name`);
    if (name.text === "self" && this.features.has("self"))
      this.problem(
        name,
        `\`self\` cannot name a ${what} after \`use self\`, where it means the object itself`,
      );
    return name;
  }

  private parseRelation(): RelationAst {
    const keyword = this.advance();
    const nameToken = this.memberName("relation");
    this.expect(":", "`:` and the allowed subject types");
    const allowed: AllowedSubjectAst[] = [this.parseAllowedSubject()];
    while (this.is("|")) {
      this.advance();
      allowed.push(this.parseAllowedSubject());
    }
    const last = allowed[allowed.length - 1]!;
    const ended = this.is("end", ";") || this.is("}") || this.is("eof");
    if (last.relation === "..." && !last.caveat && !last.expirationSpan && !ended) {
      // SpiceDB does not end a statement at a newline after `...`: it reads the next line on.
      this.problem(
        this.tokens[this.index - 1]!,
        `\`${last.type}#...\` cannot end the line of relation \`${nameToken.text}\`: SpiceDB does not end a statement after \`...\`; write \`${last.type}\` (which means the same) or end the line with \`;\``,
      );
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

  private parseAllowedSubject(): AllowedSubjectAst {
    const typeToken = this.expect("identifier", "a subject type");
    let relation: string | undefined;
    let wildcard = false;
    if (this.is(":")) {
      this.advance();
      this.expect("*", "`*` after `:` (a wildcard such as `user:*`)");
      wildcard = true;
    } else if (this.is("#")) {
      this.advance();
      if (this.is("...")) relation = this.advance().text;
      else relation = this.expect("identifier", "a relation name or `...` after `#`").text;
    }
    let caveat: AllowedSubjectAst["caveat"];
    let expiration: Span | undefined;
    if (this.is("identifier", "with")) {
      this.advance();
      const first = this.expect("identifier", "a caveat name or `expiration` after `with`");
      if (first.text === "expiration" && this.features.has("expiration")) expiration = first.span;
      else {
        caveat = { name: first.text, span: first.span };
        if (this.is("identifier", "and")) {
          if (!this.features.has("expiration"))
            this.problem(
              this.current,
              "`and expiration` after a caveat needs `use expiration` at the top of the schema",
            );
          this.advance();
          const word = this.expect("identifier", "`expiration` after `and`");
          if (word.text !== "expiration") this.fail("`expiration` after `and`", word);
          expiration = word.span;
        }
      }
    }
    return {
      type: typeToken.text,
      span: this.span(typeToken),
      relation,
      wildcard,
      ...(caveat ? { caveat } : {}),
      ...(expiration ? { expirationSpan: expiration } : {}),
    };
  }

  private parsePermission(): PermissionAst {
    const keyword = this.advance();
    const nameToken = this.memberName("permission");
    let annotation: TypeAnnotationAst[] | undefined;
    if (this.is(":")) {
      // `permission view: user | team = ...` (typed permissions, checked with `use typechecking`).
      this.advance();
      annotation = [];
      do {
        if (annotation.length > 0) this.advance();
        const type = this.expect("identifier", "a subject type in the permission's type annotation");
        annotation.push({ type: type.text, span: type.span });
      } while (this.is("|"));
    }
    this.expect("=", "`=` and an expression");
    const expression = this.parseExclusion(0);
    const depth = expressionDepth(expression);
    if (depth > MAX_EXPRESSION_DEPTH)
      throw expressionDepthExceeded(`permission \`${nameToken.text}\``, depth, this.place(nameToken.span));
    return {
      kind: "permission",
      name: nameToken.text,
      span: this.span(keyword),
      nameSpan: nameToken.span,
      comments: keyword.comments,
      ...(annotation ? { annotation } : {}),
      expression,
    };
  }

  /** Inside parentheses a line end does not end the statement. */
  private skipEndsIn(depth: number): void {
    if (depth > 0) this.skipEnds();
  }

  private parseExclusion(depth: number): ExpressionAst {
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

  private parseIntersection(depth: number): ExpressionAst {
    return this.parseOperands("intersection", "&", depth, (d) => this.parseUnion(d));
  }

  private parseUnion(depth: number): ExpressionAst {
    return this.parseOperands("union", "+", depth, (d) => this.parseArrow(d));
  }

  /** `a OP b OP c` as one n-ary node (or just `a`), each operand parsed by `operand`. */
  private parseOperands(
    kind: "union" | "intersection",
    operator: "+" | "&",
    depth: number,
    operand: (depth: number) => ExpressionAst,
  ): ExpressionAst {
    const first = this.current;
    const operands = [operand(depth)];
    this.skipEndsIn(depth);
    while (this.is(operator)) {
      this.advance();
      this.skipEndsIn(depth);
      operands.push(operand(depth));
      this.skipEndsIn(depth);
    }
    return operands.length === 1 ? operands[0]! : { kind, span: this.span(first), operands };
  }

  private parseArrow(depth: number): ExpressionAst {
    const first = this.current;
    if (this.is("(")) {
      // Each parenthesis is a level of recursion here: stop before the stack runs out.
      if (depth >= MAX_EXPRESSION_DEPTH)
        throw expressionDepthExceeded("an expression in parentheses", undefined, this.place(first.span));
      this.advance();
      this.skipEnds();
      const inner = this.parseExclusion(depth + 1);
      this.skipEnds();
      this.expect(")", "`)`");
      if (this.is("->") || this.is(".")) this.fail("an operator; arrows start from a relation name");
      return inner;
    }
    const name = this.expect("identifier", "a relation or permission name, `nil` or `(`");
    if (name.text === "nil" && !this.is("->") && !this.is(".")) return { kind: "nil", span: name.span };
    if (name.text === "self" && this.features.has("self")) {
      if (this.is("->") || this.is("."))
        this.fail("an operator; `self` is the object itself, not a relation to walk");
      return { kind: "self", span: name.span };
    }
    if (this.is("->")) {
      this.advance();
      const computed = this.expect("identifier", "a relation or permission name after `->`");
      if (this.is("->")) this.fail("an operator; arrows cannot be chained (`a->b->c`)");
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
      if (fn.text !== "any" && fn.text !== "all") this.fail("`any` or `all` after `.`", fn);
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
