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
  readonly caveats: readonly CaveatAst[];
  /** `use expiration`, `use self`, `use typechecking`, in the order written. */
  readonly uses: readonly UseAst[];
  /** Every top-level item in the order written, for the printer. */
  readonly items: readonly TopLevelAst[];
}

export type TopLevelAst = DefinitionAst | CaveatAst | UseAst;

/** The features a `use` directive can switch on, as SpiceDB names them. */
export const USE_FEATURES = ["expiration", "self", "typechecking"] as const;
export type UseFeature = (typeof USE_FEATURES)[number];

export interface UseAst {
  readonly kind: "use";
  readonly feature: UseFeature;
  readonly span: Span;
  readonly comments: readonly string[];
}

/** `caveat name(param type, ...) { CEL expression }` */
export interface CaveatAst extends NamedAst {
  readonly kind: "caveat";
  readonly parameters: readonly CaveatParameterAst[];
  /** The CEL text between the braces, trimmed, as written. */
  readonly expression: string;
  readonly expressionSpan: Span;
}

export interface CaveatParameterAst {
  readonly name: string;
  readonly span: Span;
  readonly type: CaveatTypeAst;
}

/** `int`, `list<string>`, `map<list<int>>`: a name and its type arguments. */
export interface CaveatTypeAst {
  readonly name: string;
  readonly span: Span;
  readonly arguments: readonly CaveatTypeAst[];
}

/** What a definition, caveat, relation and permission have alike. */
interface NamedAst {
  readonly name: string;
  readonly span: Span;
  readonly nameSpan: Span;
  /** Doc comments (`/** ... *\/` or `// ...` directly above), kept for the printer. */
  readonly comments: readonly string[];
}

export interface DefinitionAst extends NamedAst {
  readonly kind: "definition";
  readonly members: readonly MemberAst[];
}

export type MemberAst = RelationAst | PermissionAst;

export interface RelationAst extends NamedAst {
  readonly kind: "relation";
  readonly allowed: readonly AllowedSubjectAst[];
}

/**
 * One alternative after `relation x:` — `user`, `user:*`, `group#member` or `folder#...`, each
 * optionally `with a_caveat`, `with expiration` or `with a_caveat and expiration`.
 */
export interface AllowedSubjectAst {
  readonly type: string;
  readonly span: Span;
  /** `undefined` for plain `user`; `"..."` when written `folder#...`. */
  readonly relation: string | undefined;
  readonly wildcard: boolean;
  /** The caveat named after `with`, if any. */
  readonly caveat?: { readonly name: string; readonly span: Span };
  /** `with expiration` (alone or after a caveat): the place of the word `expiration`. */
  readonly expirationSpan?: Span;
}

export interface PermissionAst extends NamedAst {
  readonly kind: "permission";
  /** `permission view: user | team = ...`: the subject types it declares it resolves to. */
  readonly annotation?: readonly TypeAnnotationAst[];
  readonly expression: ExpressionAst;
}

export interface TypeAnnotationAst {
  readonly type: string;
  readonly span: Span;
}

export type ExpressionAst =
  | UnionAst
  | IntersectionAst
  | ExclusionAst
  | ReferenceAst
  | ArrowAst
  | NilAst
  | SelfAst;

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

/** `self` (with `use self`): the object itself, as a subject of its own type. */
export interface SelfAst {
  readonly kind: "self";
  readonly span: Span;
}

export const ELLIPSIS = "...";
