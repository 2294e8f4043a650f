import type { Node } from "yaml";
import { checkTenant } from "../model/names.js";
import { parseRelationship, type Relationship } from "../model/relationship.js";
import { yamlLibrary } from "../model/yaml-library.js";
import type { ChangeSpec, Intent } from "../store/change-records.js";
import type { RelationshipFilter } from "../store/store.js";
import { parseFilter } from "./filter.js";
import { YamlSource } from "./yaml-source.js";

export const PROPOSABLE_INTENTS: readonly Intent[] = [
  "grant",
  "revoke",
  "cleanup",
  "migration",
  "model",
  "restore",
  "merge",
];

export interface ChangeFile {
  readonly tenant: string | undefined;
  readonly intent: Intent;
  readonly reason: string;
  readonly spec: ChangeSpec;
  /** Where each explicit write and delete was written, to place later complaints (schema, existence). */
  readonly places: {
    readonly writes: ReturnType<YamlSource["placeOf"]>[];
    readonly deletes: ReturnType<YamlSource["placeOf"]>[];
  };
}

const KEYS = ["tenant", "intent", "reason", "write", "delete", "delete_where", "schema"] as const;

/**
 * Reads a change file (YAML). Every problem is reported with its line and column: unknown keys,
 * a missing intent or reason, malformed tuples or filters. Schema-level checks (types, relations,
 * that deletes exist) happen when the change is proposed against the store.
 */
export function parseChangeFile(text: string, file?: string): ChangeFile {
  const source = new YamlSource(text, file);
  const root = source.root;
  const empty: ChangeSpec = { writes: [], deletes: [], deleteWhere: [], schema: null };
  if (!root) {
    source.diagnostics.throwIfAny("invalid change file");
    throw new Error("unreachable: an empty document always reports");
  }
  source.checkKeys(root, KEYS, "a change file");
  const tenant = source.string(root, "tenant");
  if (tenant !== undefined)
    source.attempt(() => checkTenant(tenant, source.placeOf(source.get(root, "tenant"))));
  const intentText = source.string(root, "intent");
  if (intentText === undefined && source.get(root, "intent") === undefined) {
    source.diagnostics.add(
      `missing \`intent\`: one of ${PROPOSABLE_INTENTS.map((i) => `\`${i}\``).join(", ")}`,
      source.placeOf(root),
    );
  } else if (intentText !== undefined && !PROPOSABLE_INTENTS.includes(intentText as Intent)) {
    source.diagnostics.add(
      `unknown intent \`${intentText}\`: expected one of ${PROPOSABLE_INTENTS.map((i) => `\`${i}\``).join(", ")}`,
      source.placeOf(source.get(root, "intent")),
    );
  }
  const reason = source.string(root, "reason");
  if (reason === undefined || reason.trim() === "") {
    source.diagnostics.add(
      "missing `reason`: say why, for the reviewer and the audit trail",
      source.placeOf(source.get(root, "reason") ?? root),
    );
  }
  const tuples = (key: "write" | "delete") => {
    const out: Relationship[] = [];
    const places: ReturnType<YamlSource["placeOf"]>[] = [];
    for (const { value, node } of source.strings(root, key)) {
      const parsed = source.attempt(() => parseRelationship(value, source.placeInside(node, 0)));
      if (parsed) {
        out.push(parsed);
        places.push(source.placeOf(node));
      }
    }
    return { out, places };
  };
  const writes = tuples("write");
  const deletes = tuples("delete");
  const deleteWhere: RelationshipFilter[] = [];
  for (const map of source.maps(root, "delete_where")) {
    const filter = source.attempt(() => parseFilter(source, map));
    if (filter) deleteWhere.push(filter);
  }
  const schemaNode = source.get(root, "schema");
  let schema: string | null = null;
  if (schemaNode !== undefined && !(yamlLibrary().isScalar(schemaNode) && schemaNode.value === null)) {
    schema = source.string(root, "schema") ?? null;
  }
  if (
    writes.out.length === 0 &&
    deletes.out.length === 0 &&
    deleteWhere.length === 0 &&
    schema === null &&
    source.diagnostics.ok
  ) {
    source.diagnostics.add(
      "the change does nothing: give `write`, `delete`, `delete_where` or `schema`",
      source.placeOf(root as Node),
    );
  }
  source.diagnostics.throwIfAny(`invalid change file${file ? ` ${file}` : ""}`);
  return {
    tenant,
    intent: intentText as Intent,
    reason: reason!,
    spec: { ...empty, writes: writes.out, deletes: deletes.out, deleteWhere, schema },
    places: { writes: writes.places, deletes: deletes.places },
  };
}
