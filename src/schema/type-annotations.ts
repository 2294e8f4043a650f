import type { Diagnostics, Place } from "../model/errors.js";
import type { DefinitionAst, ExpressionAst, Span } from "./ast.js";
import type { PermissionDef, TypeDef } from "./compiled.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * `use typechecking`: a permission written `permission edit: user | serviceaccount = ...`
 * declares the subject types it can resolve to, and the schema is refused when its expression
 * can reach another one (SpiceDB's example: `viewer & admin` over `user` and `serviceaccount`
 * needs both). Reached types follow relations through subject sets (`group#member` reaches
 * what `member` holds) and arrows, and `self` reaches the definition's own type. Like SpiceDB's
 * `GetRecursiveTerminalTypesForRelation` (pkg/schema/type_check.go: "the union of all the
 * things touched, regardless"), both sides of an intersection and of an exclusion count.
 * Without `use typechecking` SpiceDB drops annotations, and so does Gatehouse (they are still
 * printed back).
 */
export function checkTypeAnnotations(
  astByType: ReadonlyMap<TypeDef, DefinitionAst>,
  typesByName: ReadonlyMap<string, TypeDef>,
  place: (span: Span) => Place,
  diagnostics: Diagnostics,
): void {
  const definitionOf = new Map([...astByType].map(([type, definition]) => [type.name, definition]));
  for (const [type, definition] of astByType) {
    for (const member of definition.members) {
      if (member.kind !== "permission" || !member.annotation) continue;
      const def = type.members.get(member.name);
      if (def?.kind !== "permission") continue;
      const declared: TypeDef[] = [];
      for (const a of member.annotation) {
        const annotated = typesByName.get(a.type);
        if (annotated) declared.push(annotated);
        else
          diagnostics.add(
            `unknown type \`${a.type}\` in the type annotation of permission \`${type.name}#${member.name}\``,
            place(a.span),
            "unknown_name",
          );
      }
      (def as Mutable<PermissionDef>).annotation = declared;
      if (declared.length !== member.annotation.length) continue;
      const reached = reachedTypes(type.name, member.expression, definitionOf);
      const missing = [...reached].filter((t) => !declared.some((d) => d.name === t)).sort();
      if (missing.length > 0) {
        diagnostics.add(
          `permission \`${type.name}#${member.name}\` can resolve to subject type${missing.length > 1 ? "s" : ""} ${missing.map((t) => `\`${t}\``).join(", ")}, which its type annotation \`${member.annotation.map((a) => a.type).join(" | ")}\` does not list`,
          place(member.nameSpan),
        );
      }
    }
  }
}

/** The subject types a permission's expression can reach, each member visited once. */
function reachedTypes(
  typeName: string,
  root: ExpressionAst,
  definitionOf: ReadonlyMap<string, DefinitionAst>,
): Set<string> {
  const reached = new Set<string>();
  const visited = new Set<string>();
  const pending: Array<[string, ExpressionAst | string]> = [[typeName, root]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [onType, item] = next;
    if (typeof item === "string") {
      // A member by name, on `onType`.
      const key = `${onType}#${item}`;
      if (visited.has(key)) continue;
      visited.add(key);
      const member = definitionOf.get(onType)?.members.find((m) => m.name === item);
      if (member?.kind === "permission") pending.push([onType, member.expression]);
      else if (member?.kind === "relation") {
        for (const a of member.allowed) {
          if (a.relation !== undefined && a.relation !== "..." && !a.wildcard)
            pending.push([a.type, a.relation]);
          else reached.add(a.type);
        }
      }
      continue;
    }
    switch (item.kind) {
      case "nil":
        break;
      case "self":
        reached.add(onType);
        break;
      case "reference":
        pending.push([onType, item.name]);
        break;
      case "arrow": {
        const tupleset = definitionOf.get(onType)?.members.find((m) => m.name === item.tupleset);
        if (tupleset?.kind === "relation")
          for (const a of tupleset.allowed) if (!a.wildcard) pending.push([a.type, item.computed]);
        break;
      }
      case "union":
      case "intersection":
        for (const operand of item.operands) pending.push([onType, operand]);
        break;
      case "exclusion":
        pending.push([onType, item.base], [onType, item.subtracted]);
        break;
    }
  }
  return reached;
}
