/**
 * Random SpiceDB schemas and data for differential testing (Gatehouse against SpiceDB).
 *
 * `randomModel(seed)` is a pure function of the seed (its own PRNG, no global state), so a
 * failure is reproduced by printing the seed. A model has:
 *
 * - `usr` plus 1 to 4 definitions from `grp`, `fld`, `doc`, `org` (type names of at least 3
 *   characters, as SpiceDB requires);
 * - relations whose allowed subject types mix plain types (sometimes spelled `T#...`), wildcards
 *   (`usr:*`), and usersets (`grp#member`, `grp#mem2`, `doc#view`), including self-referential
 *   ones (`grp.member: usr | grp#member`: nested groups, and cycles in the data);
 * - permissions built from `+`, `&`, `-`, parentheses, `nil`, arrows `rel->x`, `rel.any(x)`,
 *   `rel.all(x)` (including recursive ones such as `fld.view = ... + parent->view`).
 *
 * The schema is valid for SpiceDB 1.54 by construction:
 * - every name referenced exists; relation and permission names have at least 3 characters;
 * - a permission refers only to relations and to permissions defined before it in the same
 *   definition (no cycles among permissions; arrows go through data, so they may recurse);
 * - arrows only over relations (never permissions) whose allowed subject types have no wildcard,
 *   and whose target exists on at least one of those subject types (a userset type `grp#member`
 *   counts as `grp`: SpiceDB walks the subject object and ignores its relation);
 * - a userset `T#r` is never allowed when `r` is a relation that itself allows a wildcard
 *   ("wildcard relations cannot be transitively included"); `T#p` for a permission `p` is fine,
 *   and wildcards then flow through it;
 * - no duplicate allowed type (`usr | usr` and `usr | usr#...` are refused; `usr | usr:*` is not);
 * - `T#...` is never the last allowed type of a relation: SpiceDB's parser does not end a
 *   statement at a newline after `...`.
 *
 * Expressions are printed with SpiceDB's precedence (`+` binds tightest, then `&`, then `-`,
 * all left-associative), with only the parentheses that precedence needs plus some redundant
 * ones, so that a parser with the wrong precedence disagrees.
 *
 * Data: 30–200 relationships that respect the allowed subject types, over small pools of ids (the
 * same ids in every type) so that paths, overlaps and cycles are frequent.
 */
import type { ObjectRef, Relationship, SubjectRef } from "../../src/model/relationship.js";

export interface RandomQuery {
  readonly resource: ObjectRef;
  readonly permission: string;
  readonly subject: SubjectRef;
}

export interface RandomDefinition {
  readonly name: string;
  readonly relations: readonly string[];
  readonly permissions: readonly string[];
  /** Allowed subject types of each relation, as written in the schema (`usr`, `usr:*`, `grp#member`). */
  readonly allowed: Readonly<Record<string, readonly string[]>>;
}

export interface RandomModel {
  readonly seed: number;
  readonly schema: string;
  /**
   * Whether the data has cycles (1 to 3 relationships that close a loop in the object graph).
   * On cyclic data SpiceDB answers many checks with "max depth exceeded", and some requests
   * run for a long time; acyclic models (three quarters of the seeds) have none of that.
   */
  readonly cyclic: boolean;
  readonly definitions: readonly RandomDefinition[];
  readonly relationships: Relationship[];
  /**
   * Every object (of every type, as seen in the data or in the id pool) × every relation and
   * permission of its type × every subject: every object seen in the data and every userset
   * `T:id#r` that an allowed type `T#r` makes possible for the ids seen. No wildcard subjects
   * (SpiceDB refuses to check them).
   */
  readonly queries: RandomQuery[];
}

export interface RandomModelOptions {
  /** Bounds on the number of relationships (default 30 and 200). */
  readonly minRelationships?: number;
  readonly maxRelationships?: number;
  /** Whether the data may contain cycles (default: a quarter of the seeds). */
  readonly cyclic?: boolean;
}

/** mulberry32: small, fast, good enough for test generation, fully determined by the seed. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** `n` distinct items (or all of them if fewer), in random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, Math.min(n, copy.length));
  }
}

// ---- schema model ----

type AllowedType =
  | { kind: "plain"; type: string; ellipsis: boolean }
  | { kind: "wildcard"; type: string }
  | { kind: "userset"; type: string; relation: string };

interface RelationDef {
  name: string;
  allowed: AllowedType[];
}

type Expr =
  | { kind: "ref"; name: string }
  | { kind: "nil" }
  | { kind: "arrow"; relation: string; target: string; fn: "->" | "any" | "all" }
  | { kind: "op"; op: "+" | "&" | "-"; left: Expr; right: Expr; parens: boolean };

interface PermissionDef {
  name: string;
  expr: Expr;
}

interface Definition {
  name: string;
  relations: RelationDef[];
  permissions: PermissionDef[];
}

const USER = "usr";
const OTHER_TYPES = ["grp", "fld", "doc", "org"] as const;
const RELATION_NAMES: Record<string, readonly string[]> = {
  grp: ["member", "mem2", "manager", "banned", "parent"],
  fld: ["parent", "owner", "viewer", "banned", "editor"],
  doc: ["parent", "owner", "viewer", "editor", "banned", "reader"],
  org: ["member", "admin", "parent", "guest", "banned"],
};
const PERMISSION_NAMES = ["view", "edit", "manage", "can_see", "allowed", "access"] as const;
const USER_IDS = ["u1", "u2", "u3", "u4", "u5", "u6"] as const;
const OBJECT_IDS = ["a", "b", "c", "d", "e"] as const;

function allowedKey(a: AllowedType): string {
  switch (a.kind) {
    case "plain":
      return a.type;
    case "wildcard":
      return `${a.type}:*`;
    case "userset":
      return `${a.type}#${a.relation}`;
  }
}

function formatAllowed(a: AllowedType): string {
  switch (a.kind) {
    case "plain":
      return a.ellipsis ? `${a.type}#...` : a.type;
    case "wildcard":
      return `${a.type}:*`;
    case "userset":
      return `${a.type}#${a.relation}`;
  }
}

const PRECEDENCE = { "-": 1, "&": 2, "+": 3 } as const;

function formatExpr(e: Expr): string {
  switch (e.kind) {
    case "ref":
      return e.name;
    case "nil":
      return "nil";
    case "arrow":
      return e.fn === "->" ? `${e.relation}->${e.target}` : `${e.relation}.${e.fn}(${e.target})`;
    case "op": {
      const p = PRECEDENCE[e.op];
      const side = (child: Expr, right: boolean): string => {
        const text = formatExpr(child);
        if (child.kind !== "op") return text;
        const q = PRECEDENCE[child.op];
        // Left-associative: a right operand of the same precedence needs parentheses.
        const needed = q < p || (right && q === p);
        return needed || child.parens ? `(${text})` : text;
      };
      return `${side(e.left, false)} ${e.op} ${side(e.right, true)}`;
    }
  }
}

function formatSchema(defs: readonly Definition[]): string {
  const out: string[] = [];
  for (const d of defs) {
    if (d.relations.length === 0 && d.permissions.length === 0) {
      out.push(`definition ${d.name} {}`);
      continue;
    }
    out.push(`definition ${d.name} {`);
    for (const r of d.relations)
      out.push(`  relation ${r.name}: ${r.allowed.map(formatAllowed).join(" | ")}`);
    for (const p of d.permissions) out.push(`  permission ${p.name} = ${formatExpr(p.expr)}`);
    out.push("}");
  }
  return `${out.join("\n")}\n`;
}

// ---- generation ----

export function randomModel(seed: number, options: RandomModelOptions = {}): RandomModel {
  const rng = new Prng(seed);
  const defs = generateSchema(rng);
  const cyclic = options.cyclic ?? rng.chance(0.25);
  const relationships = generateData(
    rng,
    defs,
    options.minRelationships ?? 30,
    options.maxRelationships ?? 200,
    cyclic,
  );
  const queries = generateQueries(defs, relationships);
  return {
    seed,
    schema: formatSchema(defs),
    cyclic,
    definitions: defs.map((d) => ({
      name: d.name,
      relations: d.relations.map((r) => r.name),
      permissions: d.permissions.map((p) => p.name),
      allowed: Object.fromEntries(d.relations.map((r) => [r.name, r.allowed.map(allowedKey)])),
    })),
    relationships,
    queries,
  };
}

function generateSchema(rng: Prng): Definition[] {
  const others = rng.sample(OTHER_TYPES, rng.int(1, 4));
  const defs: Definition[] = [
    { name: USER, relations: [], permissions: [] },
    ...others.map((name) => ({ name, relations: [] as RelationDef[], permissions: [] as PermissionDef[] })),
  ];
  // Sometimes the user type comes last: order of definitions must not matter.
  if (rng.chance(0.3)) defs.push(defs.shift()!);
  const byName = new Map(defs.map((d) => [d.name, d]));

  // Phase 1: names. Relations first (so usersets and arrows can refer to any of them),
  // permissions next.
  const relationNames = new Map<string, string[]>();
  const permissionNames = new Map<string, string[]>();
  for (const d of defs) {
    if (d.name === USER) {
      relationNames.set(d.name, []);
      permissionNames.set(d.name, []);
      continue;
    }
    relationNames.set(d.name, rng.sample(RELATION_NAMES[d.name] ?? [], rng.int(2, 4)));
    permissionNames.set(d.name, rng.sample(PERMISSION_NAMES, rng.int(1, 3)));
  }
  // Phase 2: which relations allow a wildcard. Those can be neither usersets' targets nor arrows.
  const hasWildcard = new Set<string>();
  for (const d of defs) {
    for (const r of relationNames.get(d.name)!) {
      if (r !== "parent" && rng.chance(0.25)) hasWildcard.add(`${d.name}#${r}`);
    }
  }
  // Phase 3: allowed types.
  const typeNames = defs.map((d) => d.name);
  for (const d of defs) {
    for (const name of relationNames.get(d.name)!) {
      const allowed: AllowedType[] = [];
      const seen = new Set<string>();
      const add = (a: AllowedType) => {
        const key = allowedKey(a);
        if (seen.has(key)) return;
        seen.add(key);
        allowed.push(a);
      };
      if (name === "parent") {
        // A hierarchy: parents of the same type (recursion) or of another non-user type.
        const candidates = typeNames.filter((t) => t !== USER);
        add({
          kind: "plain",
          type: rng.chance(0.6) ? d.name : rng.pick(candidates),
          ellipsis: rng.chance(0.2),
        });
        if (rng.chance(0.3)) add({ kind: "plain", type: rng.pick(candidates), ellipsis: false });
      } else {
        const wildcard = hasWildcard.has(`${d.name}#${name}`);
        const count = rng.int(1, 3);
        for (let i = 0; i < count; i++) {
          const roll = rng.next();
          if (roll < 0.55) {
            add({
              kind: "plain",
              type: rng.chance(0.7) ? USER : rng.pick(typeNames),
              ellipsis: rng.chance(0.1),
            });
          } else {
            // A userset: T#r for a relation without a wildcard, or T#p for a permission.
            const targets: Array<{ type: string; relation: string }> = [];
            for (const t of typeNames) {
              for (const r of relationNames.get(t)!) {
                if (!hasWildcard.has(`${t}#${r}`)) targets.push({ type: t, relation: r });
              }
              for (const p of permissionNames.get(t)!) targets.push({ type: t, relation: p });
            }
            // Favour self-reference (nested groups) when this relation can be its own target.
            const self = targets.find((x) => x.type === d.name && x.relation === name);
            const target =
              self && rng.chance(0.4) ? self : targets.length > 0 ? rng.pick(targets) : undefined;
            if (target) add({ kind: "userset", type: target.type, relation: target.relation });
            else add({ kind: "plain", type: USER, ellipsis: false });
          }
        }
        if (wildcard) add({ kind: "wildcard", type: rng.chance(0.85) ? USER : rng.pick(typeNames) });
      }
      // `T#...` must not end the list (SpiceDB's parser does not end a statement after `...`).
      const last = allowed[allowed.length - 1]!;
      if (last.kind === "plain" && last.ellipsis) {
        if (allowed.length > 1) {
          allowed.pop();
          allowed.unshift(last);
        } else {
          allowed[0] = { ...last, ellipsis: false };
        }
      }
      byName.get(d.name)!.relations.push({ name, allowed });
    }
  }

  // Users must be grantable somewhere, or most checks are trivially false.
  const all = defs.flatMap((d) => d.relations);
  if (!all.some((r) => r.allowed.some((a) => a.kind === "plain" && a.type === USER))) {
    const nonParent = all.filter((r) => r.name !== "parent");
    rng
      .pick(nonParent.length > 0 ? nonParent : all)
      .allowed.push({ kind: "plain", type: USER, ellipsis: false });
  }

  // Phase 4: permissions.
  const namesOf = (type: string) => [...relationNames.get(type)!, ...permissionNames.get(type)!];
  for (const d of defs) {
    if (d.name === USER) continue;
    const arrows: Array<{ relation: string; targets: string[] }> = [];
    for (const r of d.relations) {
      if (r.allowed.some((a) => a.kind === "wildcard")) continue;
      const targets = new Set<string>();
      for (const a of r.allowed) for (const n of namesOf(a.type)) targets.add(n);
      if (targets.size > 0) arrows.push({ relation: r.name, targets: [...targets] });
    }
    const perms = permissionNames.get(d.name)!;
    perms.forEach((pname, index) => {
      const refs = [...d.relations.map((r) => r.name), ...perms.slice(0, index)];
      const leaf = (): Expr => {
        const roll = rng.next();
        if (roll < 0.05) return { kind: "nil" };
        if (roll < 0.45 && arrows.length > 0) {
          const a = rng.pick(arrows);
          // Recursion through the hierarchy: `parent->view` inside `view`.
          const target = a.targets.includes(pname) && rng.chance(0.4) ? pname : rng.pick(a.targets);
          const f = rng.next();
          return {
            kind: "arrow",
            relation: a.relation,
            target,
            fn: f < 0.7 ? "->" : f < 0.85 ? "any" : "all",
          };
        }
        return { kind: "ref", name: rng.pick(refs) };
      };
      const build = (depth: number): Expr => {
        if (depth === 0 || rng.chance(0.35)) return leaf();
        const o = rng.next();
        const op = o < 0.45 ? "+" : o < 0.7 ? "&" : "-";
        return { kind: "op", op, left: build(depth - 1), right: build(depth - 1), parens: rng.chance(0.2) };
      };
      byName.get(d.name)!.permissions.push({ name: pname, expr: build(rng.int(1, 3)) });
    });
  }
  return defs;
}

function generateData(
  rng: Prng,
  defs: readonly Definition[],
  min: number,
  max: number,
  cyclic: boolean,
): Relationship[] {
  const relations: Array<{ type: string; relation: RelationDef }> = [];
  for (const d of defs) for (const r of d.relations) relations.push({ type: d.name, relation: r });
  if (relations.length === 0) return [];
  const idsOf = (type: string): readonly string[] => (type === USER ? USER_IDS : OBJECT_IDS);
  // Small pools per model: fewer ids, more overlaps.
  const pools = new Map(
    defs.map((d) => [d.name, rng.sample(idsOf(d.name), rng.int(2, idsOf(d.name).length))]),
  );
  // Object graph (resource -> non-user subject object): a cycle in it is what can make SpiceDB
  // exceed its depth limit. Acyclic models never close one. Cyclic models close one to three,
  // each only if SpiceDB's evaluation then follows a simple loop (see `cyclesAreSimple`).
  const edges = new Map<string, Set<string>>();
  const reaches = (from: string, to: string): boolean => {
    const stack = [from];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (at === to) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      for (const next of edges.get(at) ?? []) stack.push(next);
    }
    return false;
  };
  let cyclesLeft = cyclic ? rng.int(1, 3) : 0;
  const target = rng.int(min, max);
  const out: Relationship[] = [];
  const seen = new Set<string>();
  for (let attempts = 0; out.length < target && attempts < target * 40; attempts++) {
    // Too few distinct tuples in the small pools: use every id.
    if (attempts === target * 20 && out.length < min) {
      for (const d of defs) pools.set(d.name, [...idsOf(d.name)]);
    }
    const { type, relation } = rng.pick(relations);
    const a = rng.pick(relation.allowed);
    const resource = { type, id: rng.pick(pools.get(type)!) };
    let subject: SubjectRef;
    if (a.kind === "wildcard") {
      // Wildcards are rare in the data: they make everything true.
      if (!rng.chance(0.3)) continue;
      subject = { type: a.type, id: "*" };
    } else if (a.kind === "userset") {
      subject = { type: a.type, id: rng.pick(pools.get(a.type)!), relation: a.relation };
    } else {
      subject = { type: a.type, id: rng.pick(pools.get(a.type)!) };
    }
    const key = `${resource.type}:${resource.id}#${relation.name}@${subject.type}:${subject.id}#${subject.relation ?? ""}`;
    if (seen.has(key)) continue;
    if (subject.type !== USER && subject.id !== "*") {
      const from = `${resource.type}:${resource.id}`;
      const to = `${subject.type}:${subject.id}`;
      if (reaches(to, from)) {
        if (cyclesLeft === 0) continue;
        const candidate = { resource, relation: relation.name, subject };
        if (!cyclesAreSimple(defs, [...out, candidate])) continue;
        cyclesLeft--;
      }
      const set = edges.get(from) ?? new Set<string>();
      edges.set(from, set);
      set.add(to);
    }
    seen.add(key);
    out.push({ resource, relation: relation.name, subject });
  }
  return out;
}

/**
 * Whether every cycle of SpiceDB's dispatch graph is a simple loop. Nodes are
 * `object#relation-or-permission`; a relation has an edge to each userset among its subjects, a
 * permission one edge per leaf of its expression (to its own relation or permission, or, for an
 * arrow, to the target on each subject of the arrowed relation), counted with multiplicity.
 * SpiceDB memoises nothing along a cycle: it explores every path until its depth limit (50), so
 * a node with two ways around a loop costs about 2^(50 / loop length) dispatches, which is
 * minutes or hours. In a strongly connected component where every node has exactly one edge
 * inside the component, the number of paths stays linear and SpiceDB answers quickly (with
 * "max depth exceeded" where no path succeeds first).
 */
export function cyclesAreSimple(
  defs: readonly Definition[],
  relationships: readonly Relationship[],
): boolean {
  const byType = new Map(defs.map((d) => [d.name, d]));
  const tuples = new Map<string, Relationship[]>();
  const objects = new Set<string>();
  for (const r of relationships) {
    const key = `${r.resource.type}:${r.resource.id}#${r.relation}`;
    const list = tuples.get(key) ?? [];
    tuples.set(key, list);
    list.push(r);
    objects.add(`${r.resource.type}:${r.resource.id}`);
    if (r.subject.id !== "*") objects.add(`${r.subject.type}:${r.subject.id}`);
  }
  const hasName = (type: string, name: string): boolean => {
    const d = byType.get(type);
    return (
      d !== undefined &&
      (d.relations.some((r) => r.name === name) || d.permissions.some((p) => p.name === name))
    );
  };
  const edges = new Map<string, string[]>();
  for (const o of objects) {
    const colon = o.indexOf(":");
    const type = o.slice(0, colon);
    const d = byType.get(type);
    if (!d) continue;
    for (const rel of d.relations) {
      const out: string[] = [];
      for (const t of tuples.get(`${o}#${rel.name}`) ?? []) {
        if (t.subject.relation !== undefined)
          out.push(`${t.subject.type}:${t.subject.id}#${t.subject.relation}`);
      }
      edges.set(`${o}#${rel.name}`, out);
    }
    for (const perm of d.permissions) {
      const out: string[] = [];
      const walk = (e: Expr): void => {
        if (e.kind === "ref") out.push(`${o}#${e.name}`);
        else if (e.kind === "arrow") {
          for (const t of tuples.get(`${o}#${e.relation}`) ?? []) {
            if (hasName(t.subject.type, e.target)) out.push(`${t.subject.type}:${t.subject.id}#${e.target}`);
          }
        } else if (e.kind === "op") {
          walk(e.left);
          walk(e.right);
        }
      };
      walk(perm.expr);
      edges.set(`${o}#${perm.name}`, out);
    }
  }
  // Tarjan's strongly connected components (iterative).
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const component = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let counter = 0;
  let components = 0;
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const out = edges.get(frame.node) ?? [];
      if (frame.next < out.length) {
        const to = out[frame.next++]!;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.set(n, components);
        } while (n !== frame.node);
        components++;
      }
    }
  }
  for (const [node, out] of edges) {
    const c = component.get(node);
    const inside = out.filter((to) => component.get(to) === c).length;
    // Outside any loop a node has no edge into its own component; inside one it must have one.
    if (inside > 1) return false;
  }
  return true;
}

function generateQueries(defs: readonly Definition[], relationships: readonly Relationship[]): RandomQuery[] {
  const objects = new Map<string, Set<string>>(defs.map((d) => [d.name, new Set<string>()]));
  const usersets = new Map<string, SubjectRef>();
  for (const r of relationships) {
    objects.get(r.resource.type)?.add(r.resource.id);
    if (r.subject.id !== "*") objects.get(r.subject.type)?.add(r.subject.id);
    if (r.subject.relation !== undefined)
      usersets.set(`${r.subject.type}:${r.subject.id}#${r.subject.relation}`, r.subject);
  }
  // Usersets the schema allows, for every object seen of that type.
  for (const d of defs) {
    for (const rel of d.relations) {
      for (const a of rel.allowed) {
        if (a.kind !== "userset") continue;
        for (const id of objects.get(a.type) ?? []) {
          usersets.set(`${a.type}:${id}#${a.relation}`, { type: a.type, id, relation: a.relation });
        }
      }
    }
  }
  const subjects: SubjectRef[] = [];
  for (const [type, ids] of objects) for (const id of [...ids].sort()) subjects.push({ type, id });
  for (const key of [...usersets.keys()].sort()) subjects.push(usersets.get(key)!);

  const queries: RandomQuery[] = [];
  for (const d of defs) {
    const names = [...d.relations.map((r) => r.name), ...d.permissions.map((p) => p.name)];
    if (names.length === 0) continue;
    for (const id of [...(objects.get(d.name) ?? [])].sort()) {
      for (const permission of names) {
        for (const subject of subjects) queries.push({ resource: { type: d.name, id }, permission, subject });
      }
    }
  }
  return queries;
}
