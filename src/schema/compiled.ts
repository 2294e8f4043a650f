import type { UseFeature } from "./ast.js";
import type { CompiledCaveat } from "./caveats/compile.js";

/**
 * The compiled form of a checked schema: what the engine evaluates. Every relation and
 * permission gets a dense numeric id across the whole schema so that the engine can key its
 * indexes by (object, member) with one number.
 */

export interface CompiledSchema {
  /** The text it was compiled from, as written. */
  readonly text: string;
  readonly types: readonly TypeDef[];
  readonly typesByName: ReadonlyMap<string, TypeDef>;
  /** Every relation and permission; index = `MemberDef.id`. */
  readonly members: readonly MemberDef[];
  /** Valid but almost certainly not meant (`file:line:column: message`). */
  readonly warnings: readonly string[];
  /** Caveats by name, each compiled once for this schema. */
  readonly caveats: ReadonlyMap<string, CompiledCaveat>;
  /** The features switched on with `use`. */
  readonly features: ReadonlySet<UseFeature>;
}

export interface TypeDef {
  readonly id: number;
  readonly name: string;
  readonly members: ReadonlyMap<string, MemberDef>;
}

export interface AllowedSubject {
  readonly type: TypeDef;
  /** For `group#member`; `undefined` for the object itself (`user` or `folder#...`). */
  readonly relation: MemberDef | undefined;
  readonly wildcard: boolean;
  /** `with a_caveat`: a relationship of this kind must name this caveat. */
  readonly caveat?: CompiledCaveat;
  /** `with expiration`: a relationship of this kind may carry an expiration time. */
  readonly expiration?: boolean;
}

export type MemberDef = RelationDef | PermissionDef;

export interface RelationDef {
  readonly kind: "relation";
  readonly id: number;
  readonly name: string;
  readonly type: TypeDef;
  readonly allowed: readonly AllowedSubject[];
}

export interface PermissionDef {
  readonly kind: "permission";
  readonly id: number;
  readonly name: string;
  readonly type: TypeDef;
  readonly expression: Expression;
  /** `permission view: user | team = ...`, kept only with `use typechecking` (as SpiceDB does). */
  readonly annotation?: readonly TypeDef[];
}

export type Expression =
  | { readonly op: "nil" }
  /** `self` (with `use self`): the object itself, as a subject of its own type. */
  | { readonly op: "self" }
  /** Another relation or permission of the same object. */
  | { readonly op: "ref"; readonly member: MemberDef }
  | { readonly op: "union"; readonly operands: readonly Expression[] }
  | { readonly op: "intersection"; readonly operands: readonly Expression[] }
  | { readonly op: "exclusion"; readonly base: Expression; readonly subtracted: Expression }
  | {
      readonly op: "arrow";
      readonly mode: "any" | "all";
      /** The relation whose subjects the arrow walks to. */
      readonly tupleset: RelationDef;
      /** The name looked up on each subject's type; types that lack it contribute nothing. */
      readonly computed: string;
      /** `computed` resolved per subject type id (absent where the type lacks it). */
      readonly computedByType: ReadonlyMap<number, MemberDef>;
    };

export function memberOf(schema: CompiledSchema, type: string, name: string): MemberDef | undefined {
  return schema.typesByName.get(type)?.members.get(name);
}
