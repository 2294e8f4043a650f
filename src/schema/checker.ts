import { Diagnostics, type Place } from "../model/errors.js";
import { RELATION_NAME, TYPE_NAME } from "../model/names.js";
import type { DefinitionAst, ExpressionAst, PermissionAst, SchemaAst, Span } from "./ast.js";
import { type CompiledCaveat, compileCaveat } from "./caveats/compile.js";
import type {
  AllowedSubject,
  CompiledSchema,
  Expression,
  MemberDef,
  RelationDef,
  TypeDef,
} from "./compiled.js";
import { expressionDepthExceeded, MAX_EXPRESSION_DEPTH } from "./limits.js";
import { expressionDepth } from "./parser.js";
import { checkTypeAnnotations } from "./type-annotations.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Checks a parsed schema and compiles it. Every problem is collected (unknown types and
 * relations, arrows over missing or unsuitable relations, permissions that reference each
 * other in a cycle, duplicates, bad names) and reported together with its place.
 */
export function checkSchema(
  ast: SchemaAst,
  text: string,
  place: (span: Span) => Place,
  diagnostics = new Diagnostics(),
): CompiledSchema {
  const types: TypeDef[] = [];
  const typesByName = new Map<string, TypeDef>();
  const members: MemberDef[] = [];
  const astByType = new Map<TypeDef, DefinitionAst>();
  const warnings: string[] = [];
  const features = new Set(ast.uses.map((u) => u.feature));

  // Pass 0: caveats, each compiled once (SpiceDB's names share one space with definitions).
  const caveats = new Map<string, CompiledCaveat>();
  const caveatNames = new Set<string>();
  const definitionNames = new Set(ast.definitions.map((d) => d.name));
  /** Reports a bad or repeated top-level name; false when the item is a repeat (skip it). */
  const newTopLevelName = (
    item: { name: string; nameSpan: Span },
    kind: "definition" | "caveat",
    seen: { has(name: string): boolean },
  ): boolean => {
    if (!TYPE_NAME.test(item.name)) {
      diagnostics.add(
        `invalid ${kind} name \`${item.name}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters, optionally prefixed like \`app/${kind === "caveat" ? "only_on_tuesday" : "user"}\``,
        place(item.nameSpan),
      );
    }
    if (!seen.has(item.name)) return true;
    diagnostics.add(`${kind} \`${item.name}\` is defined more than once`, place(item.nameSpan));
    return false;
  };
  for (const caveat of ast.caveats) {
    if (!newTopLevelName(caveat, "caveat", caveatNames)) continue;
    caveatNames.add(caveat.name);
    if (definitionNames.has(caveat.name)) {
      diagnostics.add(
        `\`${caveat.name}\` names both a definition and a caveat; SpiceDB refuses a name reused between definitions and caveats`,
        place(caveat.nameSpan),
      );
    }
    const { caveat: compiled, problems } = compileCaveat(caveat);
    for (const problem of problems) diagnostics.add(problem.message, place(problem.span));
    if (compiled) caveats.set(caveat.name, compiled);
  }

  // Pass 1: names, so that references may point forward.
  for (const definition of ast.definitions) {
    if (!newTopLevelName(definition, "definition", typesByName)) continue;
    const type: TypeDef = { id: types.length, name: definition.name, members: new Map() };
    types.push(type);
    typesByName.set(type.name, type);
    astByType.set(type, definition);
    const typeMembers = type.members as Map<string, MemberDef>;
    for (const member of definition.members) {
      if (!RELATION_NAME.test(member.name)) {
        diagnostics.add(
          `invalid ${member.kind} name \`${member.name}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters`,
          place(member.nameSpan),
        );
      }
      if (typeMembers.has(member.name)) {
        diagnostics.add(
          `\`${member.name}\` is defined more than once in definition \`${definition.name}\``,
          place(member.nameSpan),
        );
        continue;
      }
      const def =
        member.kind === "relation"
          ? ({ kind: "relation", id: members.length, name: member.name, type, allowed: [] } as RelationDef)
          : ({
              kind: "permission",
              id: members.length,
              name: member.name,
              type,
              expression: { op: "nil" },
            } as MemberDef);
      members.push(def);
      typeMembers.set(member.name, def);
    }
  }

  // Pass 2: allowed subject types of relations.
  for (const [type, definition] of astByType) {
    for (const member of definition.members) {
      if (member.kind !== "relation") continue;
      const def = type.members.get(member.name);
      if (def?.kind !== "relation" || !sameSpan(member.nameSpan, definitionMemberSpan(definition, def.name)))
        continue;
      const allowed: AllowedSubject[] = [];
      const seen = new Set<string>();
      for (const subject of member.allowed) {
        const subjectType = typesByName.get(subject.type);
        const written = `${subject.type}${subject.wildcard ? ":*" : subject.relation ? `#${subject.relation}` : ""}${subject.caveat ? ` with ${subject.caveat.name}` : ""}${subject.expirationSpan ? `${subject.caveat ? " and" : " with"} expiration` : ""}`;
        if (!subjectType) {
          diagnostics.add(
            `unknown type \`${subject.type}\` in relation \`${definition.name}#${member.name}\``,
            place(subject.span),
            "unknown_name",
          );
          continue;
        }
        let caveat: CompiledCaveat | undefined;
        if (subject.caveat) {
          caveat = caveats.get(subject.caveat.name);
          if (!caveat) {
            if (!caveatNames.has(subject.caveat.name)) {
              const hint =
                subject.caveat.name === "expiration" && !features.has("expiration")
                  ? "; to let relationships expire, add `use expiration` at the top of the schema"
                  : "";
              diagnostics.add(
                `unknown caveat \`${subject.caveat.name}\` in relation \`${definition.name}#${member.name}\`${hint}`,
                place(subject.caveat.span),
                "unknown_name",
              );
            }
            continue;
          }
        }
        const traits = `${subject.caveat ? ` with ${subject.caveat.name}` : ""}${subject.expirationSpan ? " and expiration" : ""}`;
        const key = `${subject.wildcard ? `${subject.type}:*` : `${subject.type}#${subject.relation ?? "..."}`}${traits}`;
        if (seen.has(key)) {
          diagnostics.add(
            `subject type \`${written}\` is listed more than once in relation \`${definition.name}#${member.name}\``,
            place(subject.span),
          );
          continue;
        }
        seen.add(key);
        let relation: MemberDef | undefined;
        if (subject.relation !== undefined && subject.relation !== "...") {
          relation = subjectType.members.get(subject.relation);
          if (!relation) {
            diagnostics.add(
              `unknown relation \`${subject.relation}\` on type \`${subject.type}\` in relation \`${definition.name}#${member.name}\``,
              place(subject.span),
              "unknown_name",
            );
            continue;
          }
        }
        const includedWildcard =
          relation?.kind === "relation" ? wildcardOf(astByType.get(subjectType), relation.name) : undefined;
        if (includedWildcard !== undefined) {
          // SpiceDB refuses this too: a wildcard may not be included through another relation.
          diagnostics.add(
            `\`${written}\` in relation \`${definition.name}#${member.name}\` points at a relation that allows the wildcard \`${includedWildcard}:*\`; a wildcard cannot be included through another relation (use a permission, or allow \`${includedWildcard}:*\` here)`,
            place(subject.span),
          );
          continue;
        }
        allowed.push({
          type: subjectType,
          relation,
          wildcard: subject.wildcard,
          ...(caveat ? { caveat } : {}),
          ...(subject.expirationSpan ? { expiration: true } : {}),
        });
      }
      (def as Mutable<RelationDef>).allowed = allowed;
    }
  }

  // Pass 3: permission expressions.
  for (const [type, definition] of astByType) {
    for (const member of definition.members) {
      if (member.kind !== "permission") continue;
      const def = type.members.get(member.name);
      if (
        def?.kind !== "permission" ||
        !sameSpan(member.nameSpan, definitionMemberSpan(definition, def.name))
      )
        continue;
      (def as Mutable<typeof def>).expression = compileExpression(
        member.expression,
        type,
        member,
        place,
        diagnostics,
        warnings,
      );
    }
    reportPermissionCycles(type, definition, place, diagnostics);
  }

  // `use typechecking`: each typed permission resolves only to the subject types it declares.
  if (features.has("typechecking")) checkTypeAnnotations(astByType, typesByName, place, diagnostics);

  return { text, types, typesByName, members, warnings, caveats, features };
}

/** The type of the wildcard a relation of a definition allows, if it allows one. */
function wildcardOf(definition: DefinitionAst | undefined, relation: string): string | undefined {
  const member = definition?.members.find((m) => m.name === relation);
  return member?.kind === "relation" ? member.allowed.find((a) => a.wildcard)?.type : undefined;
}

function definitionMemberSpan(definition: DefinitionAst, name: string): Span | undefined {
  return definition.members.find((m) => m.name === name)?.nameSpan;
}

function sameSpan(a: Span, b: Span | undefined): boolean {
  return b !== undefined && a.start.offset === b.start.offset;
}

function compileExpression(
  expression: ExpressionAst,
  type: TypeDef,
  permission: PermissionAst,
  place: (span: Span) => Place,
  diagnostics: Diagnostics,
  warnings: string[],
): Expression {
  const where = `permission \`${type.name}#${permission.name}\``;
  const walk = (e: ExpressionAst): Expression => {
    switch (e.kind) {
      case "nil":
        return { op: "nil" };
      case "self":
        return { op: "self" };
      case "union":
      case "intersection":
        return { op: e.kind, operands: e.operands.map(walk) };
      case "exclusion":
        return { op: "exclusion", base: walk(e.base), subtracted: walk(e.subtracted) };
      case "reference": {
        const member = type.members.get(e.name);
        if (!member) {
          diagnostics.add(
            `unknown relation or permission \`${e.name}\` in ${where}`,
            place(e.span),
            "unknown_name",
          );
          return { op: "nil" };
        }
        return { op: "ref", member };
      }
      case "arrow": {
        const tupleset = type.members.get(e.tupleset);
        const arrowText =
          e.mode === "arrow" ? `${e.tupleset}->${e.computed}` : `${e.tupleset}.${e.mode}(${e.computed})`;
        if (!tupleset) {
          diagnostics.add(
            `unknown relation \`${e.tupleset}\` in arrow \`${arrowText}\` of ${where}`,
            place(e.tuplesetSpan),
            "unknown_name",
          );
          return { op: "nil" };
        }
        if (tupleset.kind !== "relation") {
          diagnostics.add(
            `arrows can only walk relations, but \`${e.tupleset}\` is a permission (in \`${arrowText}\` of ${where})`,
            place(e.tuplesetSpan),
          );
          return { op: "nil" };
        }
        const computedByType = new Map<number, MemberDef>();
        for (const allowed of tupleset.allowed) {
          if (allowed.wildcard) {
            diagnostics.add(
              `arrow \`${arrowText}\` of ${where} walks relation \`${e.tupleset}\`, which allows the wildcard \`${allowed.type.name}:*\`; arrows cannot walk wildcards`,
              place(e.tuplesetSpan),
            );
            continue;
          }
          const target = allowed.type.members.get(e.computed);
          if (target) computedByType.set(allowed.type.id, target);
        }
        if (
          computedByType.size === 0 &&
          tupleset.allowed.length > 0 &&
          !tupleset.allowed.some((a) => a.wildcard)
        ) {
          // SpiceDB accepts this and answers "no"; it is almost always a typo, so say so.
          const typeNames = [...new Set(tupleset.allowed.map((a) => `\`${a.type.name}\``))].join(", ");
          const at = place(e.computedSpan);
          warnings.push(
            `${at.file ? `${at.file}:` : ""}${at.line}:${at.column}: arrow \`${arrowText}\` of ${where}: none of the subject types of \`${e.tupleset}\` (${typeNames}) has \`${e.computed}\`, so it never grants anything`,
          );
        }
        return {
          op: "arrow",
          mode: e.mode === "all" ? "all" : "any",
          tupleset,
          computed: e.computed,
          computedByType,
        };
      }
    }
  };
  return walk(expression);
}

/**
 * Permissions of one definition that refer to each other by name (not through an arrow, which
 * moves to another object) would be evaluated forever, so they are an error. Otherwise the
 * levels a permission nests, counting those it names, are held to `MAX_EXPRESSION_DEPTH`.
 * Both walks keep their own stack: a definition may chain thousands of permissions.
 */
function reportPermissionCycles(
  type: TypeDef,
  definition: DefinitionAst,
  place: (span: Span) => Place,
  diagnostics: Diagnostics,
): void {
  // For each permission: the permissions of this definition it names, at the level they stand.
  const refs = new Map<string, Array<{ name: string; level: number }>>();
  const ownDepth = new Map<string, number>();
  for (const member of definition.members) {
    if (member.kind !== "permission" || refs.has(member.name)) continue;
    const named: Array<{ name: string; level: number }> = [];
    const pending: Array<[ExpressionAst, number]> = [[member.expression, 0]];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [e, level] = next;
      if (e.kind === "reference") {
        if (type.members.get(e.name)?.kind === "permission") named.push({ name: e.name, level });
      } else if (e.kind === "union" || e.kind === "intersection") {
        for (const operand of e.operands) pending.push([operand, level + 1]);
      } else if (e.kind === "exclusion") pending.push([e.base, level + 1], [e.subtracted, level + 1]);
    }
    refs.set(member.name, named.reverse());
    ownDepth.set(member.name, expressionDepth(member.expression));
  }

  const state = new Map<string, "visiting" | "done">();
  const reported = new Set<string>();
  let cyclic = false;
  for (const root of refs.keys()) {
    if (state.has(root)) continue;
    // Depth-first, with the path kept as a stack of (permission, index of the next name to follow).
    const path: Array<{ name: string; next: number }> = [{ name: root, next: 0 }];
    state.set(root, "visiting");
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const names = refs.get(top.name) ?? [];
      if (top.next >= names.length) {
        state.set(top.name, "done");
        path.pop();
        continue;
      }
      const name = names[top.next++]!.name;
      const seen = state.get(name);
      if (seen === "done") continue;
      if (seen === "visiting") {
        cyclic = true;
        const names = path.map((p) => p.name);
        const cycle = [...names.slice(names.indexOf(name)), name];
        const key = [...new Set(cycle)].sort().join(",");
        if (reported.has(key)) continue;
        reported.add(key);
        const member = definition.members.find((m) => m.name === name)!;
        diagnostics.add(
          `permissions of definition \`${type.name}\` reference each other in a cycle: ${cycle.join(" -> ")}`,
          place(member.nameSpan),
        );
        continue;
      }
      state.set(name, "visiting");
      path.push({ name, next: 0 });
    }
  }
  if (cyclic) return;

  // Without cycles, every permission's full depth follows from those it names (done first).
  const depth = new Map<string, number>();
  for (const root of refs.keys()) {
    const pending = [root];
    while (pending.length > 0) {
      const name = pending[pending.length - 1]!;
      if (depth.has(name)) {
        pending.pop();
        continue;
      }
      const names = refs.get(name) ?? [];
      const missing = names.filter((r) => !depth.has(r.name));
      if (missing.length > 0) {
        for (const r of missing) pending.push(r.name);
        continue;
      }
      pending.pop();
      let deepest = ownDepth.get(name) ?? 0;
      for (const r of names) deepest = Math.max(deepest, r.level + 1 + depth.get(r.name)!);
      depth.set(name, deepest);
      if (deepest > MAX_EXPRESSION_DEPTH) {
        const member = definition.members.find((m) => m.name === name)!;
        throw expressionDepthExceeded(
          `permission \`${type.name}#${name}\` (with the permissions it names)`,
          deepest,
          place(member.nameSpan),
        );
      }
    }
  }
}
