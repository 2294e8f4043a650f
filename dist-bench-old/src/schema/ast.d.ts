/**
 * The syntax tree of SpiceDB's schema language, with source positions on every node so that
 * the checker can point at the exact place of a problem.
 */
export interface Position {
    /** 0-based offset into the text */
    readonly offset: number;
    /** 1-based */
    readonly line: number;
    /** 1-based */
    readonly column: number;
}
export interface Span {
    readonly start: Position;
    readonly end: Position;
}
export interface SchemaAst {
    readonly definitions: readonly DefinitionAst[];
}
export interface DefinitionAst {
    readonly kind: "definition";
    readonly name: string;
    readonly span: Span;
    readonly nameSpan: Span;
    /** Doc comments (`/** ... *\/` or `// ...` directly above), kept for the printer. */
    readonly comments: readonly string[];
    readonly members: readonly MemberAst[];
}
export type MemberAst = RelationAst | PermissionAst;
export interface RelationAst {
    readonly kind: "relation";
    readonly name: string;
    readonly span: Span;
    readonly nameSpan: Span;
    readonly comments: readonly string[];
    readonly allowed: readonly AllowedSubjectAst[];
}
/** One alternative after `relation x:` — `user`, `user:*`, `group#member` or `folder#...`. */
export interface AllowedSubjectAst {
    readonly type: string;
    readonly span: Span;
    /** `undefined` for plain `user`; `"..."` when written `folder#...`. */
    readonly relation: string | undefined;
    readonly wildcard: boolean;
}
export interface PermissionAst {
    readonly kind: "permission";
    readonly name: string;
    readonly span: Span;
    readonly nameSpan: Span;
    readonly comments: readonly string[];
    readonly expression: ExpressionAst;
}
export type ExpressionAst = UnionAst | IntersectionAst | ExclusionAst | ReferenceAst | ArrowAst | NilAst;
/** `a + b + c`: one node with every operand, as SpiceDB's own tree flattens them. */
export interface UnionAst {
    readonly kind: "union";
    readonly span: Span;
    readonly operands: readonly ExpressionAst[];
}
export interface IntersectionAst {
    readonly kind: "intersection";
    readonly span: Span;
    readonly operands: readonly ExpressionAst[];
}
/** `base - subtracted`; left-associative, so `a - b - c` is `(a - b) - c`. */
export interface ExclusionAst {
    readonly kind: "exclusion";
    readonly span: Span;
    readonly base: ExpressionAst;
    readonly subtracted: ExpressionAst;
}
/** A relation or permission of the same object. */
export interface ReferenceAst {
    readonly kind: "reference";
    readonly span: Span;
    readonly name: string;
}
/**
 * `parent->view` (any), `parent.any(view)` (the same) or `parent.all(view)` (every object
 * reached through `parent` must grant `view`).
 */
export interface ArrowAst {
    readonly kind: "arrow";
    readonly span: Span;
    readonly tupleset: string;
    readonly tuplesetSpan: Span;
    readonly computed: string;
    readonly computedSpan: Span;
    readonly mode: "arrow" | "any" | "all";
}
export interface NilAst {
    readonly kind: "nil";
    readonly span: Span;
}
export declare const ELLIPSIS = "...";
