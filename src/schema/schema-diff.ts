import type { CompiledCaveat } from "./caveats/compile.js";
import { formatParameterType } from "./caveats/parameter-type.js";
import type { CompiledSchema, Expression, MemberDef } from "./compiled.js";
import { formatExpression } from "./format-expression.js";
import { formatAllowed } from "./validate-relationship.js";

/**
 * A member's definition as text: two members mean the same iff their signatures are equal. A
 * relation's includes the definition of each caveat it names, so changing a caveat's
 * expression or parameters changes every relation that uses it. A permission's type annotation
 * is left out: it is checked when the schema is written and never changes an answer.
 */
function signature(member: MemberDef): string {
  if (member.kind === "relation") {
    const caveats = [
      ...new Set(member.allowed.flatMap((a) => (a.caveat ? [caveatSignature(a.caveat)] : []))),
    ];
    return `relation: ${member.allowed.map(formatAllowed).sort().join(" | ")}${caveats
      .sort()
      .map((c) => `; ${c}`)
      .join("")}`;
  }
  return `permission = ${formatExpression(member.expression)}`;
}

function caveatSignature(caveat: CompiledCaveat): string {
  const parameters = [...caveat.parameters]
    .map(([name, type]) => `${name} ${formatParameterType(type)}`)
    .sort();
  return `caveat ${caveat.name}(${parameters.join(", ")}) { ${caveat.expression} }`;
}

/** Caveats added, removed or changed (expression or parameters) between two schemas, by name. */
export function changedCaveats(
  before: CompiledSchema | undefined,
  after: CompiledSchema | undefined,
): { added: string[]; removed: string[]; changed: string[] } {
  const old = before?.caveats ?? new Map<string, CompiledCaveat>();
  const next = after?.caveats ?? new Map<string, CompiledCaveat>();
  return {
    added: [...next.keys()].filter((n) => !old.has(n)).sort(),
    removed: [...old.keys()].filter((n) => !next.has(n)).sort(),
    changed: [...next.keys()]
      .filter((n) => old.has(n) && caveatSignature(old.get(n)!) !== caveatSignature(next.get(n)!))
      .sort(),
  };
}

/** `type#member` names a member's evaluation reads. */
function dependencies(member: MemberDef): string[] {
  if (member.kind === "relation") {
    return member.allowed.filter((a) => a.relation).map((a) => `${a.type.name}#${a.relation!.name}`);
  }
  const out: string[] = [];
  const walk = (e: Expression): void => {
    switch (e.op) {
      case "ref":
        out.push(`${member.type.name}#${e.member.name}`);
        break;
      case "union":
      case "intersection":
        e.operands.forEach(walk);
        break;
      case "exclusion":
        walk(e.base);
        walk(e.subtracted);
        break;
      case "arrow":
        out.push(`${member.type.name}#${e.tupleset.name}`);
        for (const target of e.computedByType.values()) out.push(`${target.type.name}#${target.name}`);
        break;
      case "nil":
        break;
    }
  };
  walk(member.expression);
  return out;
}

function members(schema: CompiledSchema | undefined): Map<string, MemberDef> {
  const out = new Map<string, MemberDef>();
  for (const member of schema?.members ?? []) out.set(`${member.type.name}#${member.name}`, member);
  return out;
}

/**
 * The members (`type#name`) whose answers may differ between two schemas: those whose own
 * definition changed, appeared or disappeared, and every member that depends on one of them,
 * in either schema. A plan evaluates exactly these for a model change.
 */
export function changedMembers(
  before: CompiledSchema | undefined,
  after: CompiledSchema | undefined,
): Set<string> {
  const old = members(before);
  const next = members(after);
  const changed = new Set<string>();
  for (const name of new Set([...old.keys(), ...next.keys()])) {
    const a = old.get(name);
    const b = next.get(name);
    if (!a || !b || signature(a) !== signature(b)) changed.add(name);
  }
  return withDependents(changed, [old, next]);
}

/**
 * The members (`type#name`) whose answers can depend on the given ones: the seeds and,
 * transitively, every member that reads one of them (through a reference, an arrow or a
 * userset). A data change to relation `document#viewer` can move exactly these.
 */
export function dependentMembers(schema: CompiledSchema, seeds: Iterable<string>): Set<string> {
  return withDependents(new Set(seeds), [members(schema)]);
}

function withDependents(seeds: Set<string>, tables: readonly Map<string, MemberDef>[]): Set<string> {
  const dependents = new Map<string, Set<string>>();
  for (const table of tables) {
    for (const [name, member] of table) {
      for (const dependency of dependencies(member)) {
        let set = dependents.get(dependency);
        if (!set) {
          set = new Set();
          dependents.set(dependency, set);
        }
        set.add(name);
      }
    }
  }
  const queue = [...seeds];
  for (let i = 0; i < queue.length; i++) {
    for (const dependent of dependents.get(queue[i]!) ?? []) {
      if (!seeds.has(dependent)) {
        seeds.add(dependent);
        queue.push(dependent);
      }
    }
  }
  return seeds;
}
