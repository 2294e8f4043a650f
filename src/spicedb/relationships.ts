import { v1 } from "@authzed/authzed-node";
import { GatehouseError, type Place } from "../model/errors.js";
import { expirationFromEpoch, expirationToEpoch } from "../model/expiration.js";
import { OBJECT_ID, RELATION_NAME, TYPE_NAME } from "../model/names.js";
import {
  ELLIPSIS,
  type ObjectRef,
  parseObject,
  parseSubject,
  type Relationship,
  type SubjectRef,
} from "../model/relationship.js";
import type { RelationshipFilter } from "../service/records.js";
import { quoted } from "./requests.js";
import { SpicedbError } from "./status.js";

/**
 * Translation between authzed.api.v1 messages and Gatehouse's relationships, one field at a
 * time, so that every refusal names the field (`updates[2].relationship.subject`). Names are
 * checked by Gatehouse's own parsers (prefixed types such as `test/user` included).
 */

const field = (path: string): Place => ({ field: path });

function required<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw new SpicedbError("INVALID_ARGUMENT", `\`${path}\` is required`);
  return value;
}

export function objectOf(ref: v1.ObjectReference | undefined, path: string): ObjectRef {
  const o = required(ref, path);
  return parseObject(`${o.objectType}:${o.objectId}`, field(path), path);
}

/** `optional_relation` `""` and `...` both mean the object itself. */
export function subjectOf(ref: v1.SubjectReference | undefined, path: string): SubjectRef {
  const s = required(ref, path);
  const o = required(s.object, `${path}.object`);
  const relation =
    s.optionalRelation === "" || s.optionalRelation === ELLIPSIS ? "" : `#${s.optionalRelation}`;
  return parseSubject(`${o.objectType}:${o.objectId}${relation}`, field(path));
}

/**
 * A relationship with its `optional_caveat` (name and context Struct) and `optional_expires_at`
 * (a Timestamp); a caveat with an empty name is none, as in SpiceDB. The schema checks the rest.
 */
export function relationshipOf(r: v1.Relationship | undefined, path: string): Relationship {
  const rel = required(r, path);
  if (rel.relation === "") throw new SpicedbError("INVALID_ARGUMENT", `\`${path}.relation\` is required`);
  // Checked here, not only against the schema later: an import writes each relationship as a
  // text line and reads it back, so a relation (or caveat name) holding `@`, `[` or a newline
  // would be read as other relationships.
  if (!RELATION_NAME.test(rel.relation))
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`${path}.relation\`: expected a relation name (lowercase letters, digits and \`_\`, 3 to 64 characters), got ${quoted(rel.relation)}`,
    );
  const caveatName = rel.optionalCaveat?.caveatName ?? "";
  if (caveatName !== "" && !TYPE_NAME.test(caveatName))
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`${path}.optional_caveat.caveat_name\`: expected a caveat name (lowercase letters, digits and \`_\`, 3 to 64 characters), got ${quoted(caveatName)}`,
    );
  const relationship: Relationship = {
    resource: objectOf(rel.resource, `${path}.resource`),
    relation: rel.relation,
    subject: subjectOf(rel.subject, `${path}.subject`),
  };
  const caveat = caveatOf(rel.optionalCaveat);
  const expiresAt = expiresAtOf(rel.optionalExpiresAt, `${path}.optional_expires_at`);
  if (caveat === undefined && expiresAt === undefined) return relationship;
  return {
    ...relationship,
    ...(caveat !== undefined ? { caveat } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

function caveatOf(c: v1.ContextualizedCaveat | undefined): Relationship["caveat"] {
  if (c === undefined || c.caveatName === "") return undefined;
  const context = c.context === undefined ? {} : (v1.PbStruct.toJson(c.context) as Record<string, unknown>);
  return Object.keys(context).length === 0 ? { name: c.caveatName } : { name: c.caveatName, context };
}

type Timestamp = NonNullable<v1.Relationship["optionalExpiresAt"]>;

function expiresAtOf(t: Timestamp | undefined, path: string): string | undefined {
  if (t === undefined) return undefined;
  try {
    return expirationFromEpoch(BigInt(t.seconds), t.nanos, field(path));
  } catch (error) {
    if (error instanceof GatehouseError) throw error;
    throw new SpicedbError("INVALID_ARGUMENT", `\`${path}.seconds\` must be a whole number of seconds`);
  }
}

export function toObjectReference(o: ObjectRef): v1.ObjectReference {
  return { objectType: o.type, objectId: o.id };
}

export function toSubjectReference(s: SubjectRef): v1.SubjectReference {
  return { object: { objectType: s.type, objectId: s.id }, optionalRelation: s.relation ?? "" };
}

export function toRelationship(r: Relationship): v1.Relationship {
  const out: v1.Relationship = {
    resource: toObjectReference(r.resource),
    relation: r.relation,
    subject: toSubjectReference(r.subject),
  };
  if (r.caveat !== undefined)
    out.optionalCaveat = {
      caveatName: r.caveat.name,
      ...(r.caveat.context !== undefined
        ? { context: v1.PbStruct.fromJson(r.caveat.context as Parameters<typeof v1.PbStruct.fromJson>[0]) }
        : {}),
    };
  if (r.expiresAt !== undefined) {
    const { seconds, nanos } = expirationToEpoch(r.expiresAt);
    out.optionalExpiresAt = { seconds: String(seconds), nanos };
  }
  return out;
}

const ID_EXPECTED = "1 to 1024 letters, digits or `/_|-=+`";
const SUBJECT_ID = new RegExp(`${OBJECT_ID.source}|^\\*$`);
const SUBJECT_RELATION = new RegExp(`${RELATION_NAME.source}|^\\.\\.\\.$`);

/**
 * A SpiceDB filter as Gatehouse's; empty strings are "any", as in the proto. Its id prefix is
 * not one of the store's fields: `prefixedFilterOf` keeps it apart.
 */
function filterOf(f: v1.RelationshipFilter | undefined, path: string): RelationshipFilter {
  if (!f) return {};
  const subject = f.optionalSubjectFilter;
  if (subject && subject.subjectType === "")
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`${path}.optional_subject_filter.subject_type\` is required`,
    );
  const relation = subject?.optionalRelation?.relation;
  // As SpiceDB validates a filter: a malformed name or id is INVALID_ARGUMENT naming the field,
  // not a filter that silently selects nothing (and a delete that silently deletes nothing).
  const fields: [string, string | undefined, RegExp, string][] = [
    ["resource_type", f.resourceType, TYPE_NAME, "a type name"],
    ["optional_resource_id", f.optionalResourceId, OBJECT_ID, ID_EXPECTED],
    ["optional_relation", f.optionalRelation, RELATION_NAME, "a relation name"],
    ["optional_subject_filter.subject_type", subject?.subjectType, TYPE_NAME, "a type name"],
    [
      "optional_subject_filter.optional_subject_id",
      subject?.optionalSubjectId,
      SUBJECT_ID,
      `${ID_EXPECTED}, or \`*\``,
    ],
    [
      "optional_subject_filter.optional_relation.relation",
      relation,
      SUBJECT_RELATION,
      "a relation name or `...`",
    ],
  ];
  for (const [field, value, pattern, expected] of fields)
    if (value !== undefined && value !== "" && !pattern.test(value))
      throw new SpicedbError(
        "INVALID_ARGUMENT",
        `\`${path}.${field}\`: expected ${expected}, got ${quoted(value)} (${value.length} characters)`,
      );
  return {
    ...(f.resourceType !== "" ? { resourceType: f.resourceType } : {}),
    ...(f.optionalResourceId !== "" ? { resourceId: f.optionalResourceId } : {}),
    ...(f.optionalRelation !== "" ? { relation: f.optionalRelation } : {}),
    ...(subject ? { subjectType: subject.subjectType } : {}),
    ...(subject && subject.optionalSubjectId !== "" ? { subjectId: subject.optionalSubjectId } : {}),
    // A relation filter of "" (or `...`) selects subjects without a relation; none selects any.
    ...(relation !== undefined
      ? { subjectRelation: relation === "" || relation === ELLIPSIS ? null : relation }
      : {}),
  };
}

/** A filter with SpiceDB's `optional_resource_id_prefix`, which the store's filters do not hold. */
export interface PrefixedFilter {
  readonly filter: RelationshipFilter;
  /** Only resources whose id starts with it; `undefined`: any. */
  readonly resourceIdPrefix: string | undefined;
}

/**
 * `filterOf` for the calls that take `optional_resource_id_prefix` (ReadRelationships,
 * DeleteRelationships, the bulk export): the prefix is kept apart and applied by `selectsPrefix`
 * to what the rest of the filter selects. As SpiceDB: a prefix and an id together are refused.
 */
export function prefixedFilterOf(f: v1.RelationshipFilter | undefined, path: string): PrefixedFilter {
  const prefix = f?.optionalResourceIdPrefix ?? "";
  if (prefix === "") return { filter: filterOf(f, path), resourceIdPrefix: undefined };
  if (f?.optionalResourceId !== "")
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`${path}\`: give \`optional_resource_id\` or \`optional_resource_id_prefix\`, not both`,
    );
  // A prefix is the start of an id: the same characters.
  if (!OBJECT_ID.test(prefix))
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`${path}.optional_resource_id_prefix\`: expected ${ID_EXPECTED}, got ${quoted(prefix)}`,
    );
  return { filter: filterOf({ ...f, optionalResourceIdPrefix: "" }, path), resourceIdPrefix: prefix };
}

export function selectsPrefix(prefix: string | undefined, r: Relationship): boolean {
  return prefix === undefined || r.resource.id.startsWith(prefix);
}

/**
 * ReadRelationships' and DeleteRelationships' filter: at least one field, as SpiceDB requires
 * (INVALID_ARGUMENT), so that no call reads or deletes a whole tenant by leaving it empty. The
 * resource type may be left out when another field is given (a subject filter alone: "every
 * relationship of user:ann").
 */
export function requireSomeField(f: PrefixedFilter, path: string): void {
  if (Object.keys(f.filter).length === 0 && f.resourceIdPrefix === undefined)
    throw new SpicedbError(
      "INVALID_ARGUMENT",
      `\`${path}\`: give at least one of \`resource_type\`, \`optional_resource_id\`, \`optional_relation\`, \`optional_subject_filter\``,
    );
}

/** Whether a relationship is one a filter selects (fields combine with AND; absent is "any"). */
export function selects(filter: RelationshipFilter, r: Relationship): boolean {
  return (
    (filter.resourceType === undefined || filter.resourceType === r.resource.type) &&
    (filter.resourceId === undefined || filter.resourceId === r.resource.id) &&
    (filter.relation === undefined || filter.relation === r.relation) &&
    (filter.subjectType === undefined || filter.subjectType === r.subject.type) &&
    (filter.subjectId === undefined || filter.subjectId === r.subject.id) &&
    (filter.subjectRelation === undefined || (filter.subjectRelation ?? undefined) === r.subject.relation)
  );
}
