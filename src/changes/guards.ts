import type { AccessRow } from "../engine/access-diff.js";
import { checkTenant, RELATION_NAME, TYPE_NAME } from "../model/names.js";
import { parseRelationship, type Relationship } from "../model/relationship.js";
import type { ChangeStore, Intent } from "../store/change-records.js";
import { PROPOSABLE_INTENTS } from "./change-file.js";

/**
 * Intents an `access-neutral` guard may name: those of change files, and those of the changes
 * Gatehouse proposes itself (subject and tenant deletions and purges, reverts), so that a store
 * can require, say, that deletions take nobody's access.
 */
const GUARDED_INTENTS: readonly Intent[] = [...PROPOSABLE_INTENTS, "delete", "purge", "revert"];

import { YamlSource } from "./yaml-source.js";

/**
 * Guards are rules over a plan. A failing guard blocks the apply unless someone other than the
 * author approves.
 */
export type Guard =
  | {
      readonly name: string;
      readonly kind: "access-neutral";
      readonly intents: readonly Intent[];
      /** Count userset subjects' answers (`group:eng#member`) too; see `Plan.usersets`. */
      readonly usersets?: boolean;
    }
  | {
      readonly name: string;
      readonly kind: "max-loss" | "max-gain";
      readonly subjects?: number;
      readonly resources?: number;
      /** Count userset subjects' answers (`group:eng#member`) too; see `Plan.usersets`. */
      readonly usersets?: boolean;
    }
  | {
      readonly name: string;
      readonly kind: "subset";
      readonly resourceType: string;
      readonly permission: string;
      readonly of: string;
    }
  | DirectWritesGuard
  | {
      readonly name: string;
      readonly kind: "assertions";
      readonly tenant?: string;
      readonly assertTrue: readonly Relationship[];
      readonly assertFalse: readonly Relationship[];
    };

/**
 * Holds direct writes (a relationship create, touch or delete, a batch, an import; not a
 * change's apply, which has its own plan and approvals) to a blast radius. A write over a bound
 * is refused whole and should be proposed as a change instead.
 */
export interface DirectWritesGuard {
  readonly name: string;
  readonly kind: "direct-writes";
  /** At most this many subjects may lose access; a wildcard (`user:*`) loss is beyond any bound. */
  readonly maxLoss?: number;
  /** At most this many relationships may be deleted. */
  readonly maxDeletes?: number;
  /** Relations (`type#relation`) whose direct writes must change nobody's access. */
  readonly accessNeutral?: readonly string[];
}

/** Guards a change's plan is held to (direct-writes guards hold direct writes only). */
export type PlanGuard = Exclude<Guard, DirectWritesGuard>;

export function planGuards(guards: readonly Guard[]): PlanGuard[] {
  return guards.filter((g): g is PlanGuard => g.kind !== "direct-writes");
}

export function directWritesGuards(guards: readonly Guard[]): DirectWritesGuard[] {
  return guards.filter((g): g is DirectWritesGuard => g.kind === "direct-writes");
}

export interface GuardResult {
  readonly name: string;
  readonly kind: Guard["kind"];
  readonly passed: boolean;
  readonly message: string;
}

/** The name of the default direct-writes guard, which the README names. */
export const DIRECT_WRITE_BLAST_RADIUS = "direct-write-blast-radius";

/**
 * In force until someone writes guards: cleanups and merges must not change anyone's access, and
 * one direct write may not do what no single application request should: take access away from
 * more than 1,000 subjects (or from everyone, through a wildcard), or delete more than 1,000
 * relationships. `guards write` replaces them; `guards read` prints this text.
 */
export const DEFAULT_GUARDS_TEXT = `guards:
  - name: cleanup-and-merge-are-access-neutral
    kind: access-neutral
    intents: [cleanup, merge]
  - name: ${DIRECT_WRITE_BLAST_RADIUS}
    kind: direct-writes
    max-loss: 1000
    max-deletes: 1000
`;

export const DEFAULT_GUARDS: readonly Guard[] = [
  { name: "cleanup-and-merge-are-access-neutral", kind: "access-neutral", intents: ["cleanup", "merge"] },
  { name: DIRECT_WRITE_BLAST_RADIUS, kind: "direct-writes", maxLoss: 1000, maxDeletes: 1000 },
];

const KINDS = ["access-neutral", "max-loss", "max-gain", "subset", "assertions", "direct-writes"] as const;
const KEYS: Record<(typeof KINDS)[number], readonly string[]> = {
  "direct-writes": ["name", "kind", "max-loss", "max-deletes", "access-neutral"],
  "access-neutral": ["name", "kind", "intents", "usersets"],
  "max-loss": ["name", "kind", "subjects", "resources", "usersets"],
  "max-gain": ["name", "kind", "subjects", "resources", "usersets"],
  subset: ["name", "kind", "resource_type", "permission", "of"],
  assertions: ["name", "kind", "tenant", "assertTrue", "assertFalse"],
};

/** Reads a guards file (`guards: [...]`), reporting every problem with its line. */
export function parseGuards(text: string, file?: string): Guard[] {
  const source = new YamlSource(text, file);
  const root = source.root;
  const guards: Guard[] = [];
  if (root) {
    source.checkKeys(root, ["guards"], "a guards file");
    const names = new Set<string>();
    for (const map of source.maps(root, "guards")) {
      const place = source.placeOf(map);
      const name = source.string(map, "name");
      const kind = source.string(map, "kind");
      if (name === undefined) source.diagnostics.add("a guard needs a `name`", place);
      else if (names.has(name)) source.diagnostics.add(`guard name \`${name}\` is used twice`, place);
      else names.add(name);
      if (kind === undefined || !(KINDS as readonly string[]).includes(kind)) {
        const kinds = KINDS.map((k) => `\`${k}\``).join(", ");
        source.diagnostics.add(
          kind === undefined
            ? `a guard needs a \`kind\`: one of ${kinds}`
            : `unknown guard kind \`${kind}\`: expected one of ${kinds}`,
          source.placeOf(source.get(map, "kind") ?? map),
        );
        continue;
      }
      const k = kind as (typeof KINDS)[number];
      source.checkKeys(map, KEYS[k], `a \`${k}\` guard`);
      const n = name ?? "?";
      switch (k) {
        case "access-neutral": {
          const intents = source.strings(map, "intents");
          for (const i of intents) {
            if (!GUARDED_INTENTS.includes(i.value as Intent))
              source.diagnostics.add(
                `unknown intent \`${i.value}\`: expected one of ${GUARDED_INTENTS.map((x) => `\`${x}\``).join(", ")}`,
                source.placeOf(i.node),
              );
          }
          const usersets = source.boolean(map, "usersets");
          guards.push({
            name: n,
            kind: k,
            intents: intents.length > 0 ? intents.map((i) => i.value as Intent) : ["cleanup", "merge"],
            ...(usersets !== undefined ? { usersets } : {}),
          });
          break;
        }
        case "max-loss":
        case "max-gain": {
          const subjects = source.number(map, "subjects");
          const resources = source.number(map, "resources");
          if (subjects === undefined && resources === undefined)
            source.diagnostics.add(`a \`${k}\` guard needs \`subjects\` or \`resources\` (a limit)`, place);
          const usersets = source.boolean(map, "usersets");
          guards.push({
            name: n,
            kind: k,
            ...(subjects !== undefined ? { subjects } : {}),
            ...(resources !== undefined ? { resources } : {}),
            ...(usersets !== undefined ? { usersets } : {}),
          });
          break;
        }
        case "subset": {
          const resourceType = source.string(map, "resource_type");
          const permission = source.string(map, "permission");
          const of = source.string(map, "of");
          if (resourceType === undefined || !TYPE_NAME.test(resourceType))
            source.diagnostics.add("a `subset` guard needs `resource_type`, a type name", place);
          if (permission === undefined || !RELATION_NAME.test(permission))
            source.diagnostics.add("a `subset` guard needs `permission`", place);
          if (of === undefined || !RELATION_NAME.test(of))
            source.diagnostics.add(
              "a `subset` guard needs `of`, the permission or relation that must contain it",
              place,
            );
          guards.push({
            name: n,
            kind: k,
            resourceType: resourceType ?? "",
            permission: permission ?? "",
            of: of ?? "",
          });
          break;
        }
        case "direct-writes": {
          const maxLoss = source.number(map, "max-loss");
          const maxDeletes = source.number(map, "max-deletes");
          const relations = source.strings(map, "access-neutral");
          for (const r of relations) {
            const [type, relation, extra] = r.value.split("#");
            if (
              extra !== undefined ||
              type === undefined ||
              relation === undefined ||
              !TYPE_NAME.test(type) ||
              !RELATION_NAME.test(relation)
            )
              source.diagnostics.add(
                `\`${r.value}\` is not a relation: expected \`type#relation\`, e.g. \`folder#viewer\``,
                source.placeOf(r.node),
              );
          }
          if (maxLoss === undefined && maxDeletes === undefined && relations.length === 0)
            source.diagnostics.add(
              "a `direct-writes` guard needs `max-loss` (subjects), `max-deletes` (relationships) or `access-neutral` (a list of `type#relation`)",
              place,
            );
          guards.push({
            name: n,
            kind: k,
            ...(maxLoss !== undefined ? { maxLoss } : {}),
            ...(maxDeletes !== undefined ? { maxDeletes } : {}),
            ...(relations.length > 0 ? { accessNeutral: relations.map((r) => r.value) } : {}),
          });
          break;
        }
        case "assertions": {
          const tenant = source.string(map, "tenant");
          if (tenant !== undefined)
            source.attempt(() => checkTenant(tenant, source.placeOf(source.get(map, "tenant"))));
          const read = (key: string) =>
            source
              .strings(map, key)
              .map((s) =>
                source.attempt(() => parseRelationship(s.value, source.placeInside(s.node, 0), "permission")),
              )
              .filter((r): r is Relationship => r !== undefined);
          guards.push({
            name: n,
            kind: k,
            ...(tenant ? { tenant } : {}),
            assertTrue: read("assertTrue"),
            assertFalse: read("assertFalse"),
          });
          break;
        }
      }
    }
  }
  source.diagnostics.throwIfAny(`invalid guards file${file ? ` ${file}` : ""}`);
  return guards;
}

/** Parsed guards texts, so that a write need not read YAML again while the guards stay the same. */
const parsed = new Map<string, readonly Guard[]>();

/** The guards in force: the newest written, or the defaults when none were. */
export async function guardsInForce(store: Pick<ChangeStore, "readGuards">): Promise<readonly Guard[]> {
  const version = await store.readGuards();
  if (!version) return DEFAULT_GUARDS;
  let guards = parsed.get(version.text);
  if (!guards) {
    guards = parseGuards(version.text);
    if (parsed.size >= 16) parsed.clear();
    parsed.set(version.text, guards);
  }
  return guards;
}

/** The guards that only need the plan's rows. */
export function evaluateRowGuard(
  guard: Extract<Guard, { kind: "access-neutral" | "max-loss" | "max-gain" }>,
  intent: Intent,
  gained: readonly AccessRow[],
  lost: readonly AccessRow[],
): GuardResult {
  const result = (passed: boolean, message: string): GuardResult => ({
    name: guard.name,
    kind: guard.kind,
    passed,
    message,
  });
  if (guard.kind === "access-neutral") {
    if (!guard.intents.includes(intent)) return result(true, `does not apply to intent \`${intent}\``);
    if (gained.length === 0 && lost.length === 0)
      return result(true, `a \`${intent}\` change must change no access, and this one changes none`);
    return result(
      false,
      `a \`${intent}\` change must change no access, but ${describeRows(lost, "lose")}${lost.length && gained.length ? " and " : ""}${describeRows(gained, "gain")}`,
    );
  }
  const rows = guard.kind === "max-loss" ? lost : gained;
  const verb = guard.kind === "max-loss" ? "lose" : "gain";
  const wildcard = rows.some((r) => r.subject.endsWith(":*"));
  const subjects = new Set(rows.map((r) => `${r.tenant}/${r.subject}`)).size;
  const resources = new Set(rows.map((r) => `${r.tenant}/${r.resource}`)).size;
  const problems: string[] = [];
  if (guard.subjects !== undefined && (wildcard || subjects > guard.subjects)) {
    problems.push(
      wildcard
        ? `every subject of a type would ${verb} access (a wildcard row), more than the limit of ${guard.subjects}`
        : `${subjects} subjects would ${verb} access, more than the limit of ${guard.subjects}`,
    );
  }
  if (guard.resources !== undefined && resources > guard.resources) {
    problems.push(
      `${resources} resources would see subjects ${verb} access, more than the limit of ${guard.resources}`,
    );
  }
  if (problems.length > 0) return result(false, problems.join("; "));
  return result(true, `${subjects} subjects and ${resources} resources ${verb} access, within the limits`);
}

export function describeRows(rows: readonly AccessRow[], verb: string): string {
  if (rows.length === 0) return "";
  const subjects = new Set(rows.map((r) => r.subject));
  const resources = new Set(rows.map((r) => r.resource));
  const example = rows[0]!;
  const wildcards = [...subjects].filter((s) => s.endsWith(":*")).map((s) => `every \`${s.slice(0, -2)}\``);
  const concrete = subjects.size - wildcards.length;
  const who = [
    ...wildcards,
    ...(concrete > 0 ? [`${concrete} subject${concrete === 1 ? "" : "s"}`] : []),
  ].join(" and ");
  return `${who} would ${verb} access to ${resources.size} resource${resources.size === 1 ? "" : "s"} (for example \`${example.subject}\` would ${verb} \`${example.permission}\` on \`${example.resource}\`)`;
}
