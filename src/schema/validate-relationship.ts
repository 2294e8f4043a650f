import { inputError, type Place } from "../model/errors.js";
import {
  formatRelationship,
  formatSubject,
  type Relationship,
  type SubjectRef,
} from "../model/relationship.js";
import type { AllowedSubject, CompiledSchema, MemberDef, RelationDef, TypeDef } from "./compiled.js";

/** An allowed subject type as the schema writes it: `user`, `user:*`, `group#member with c and expiration`. */
export function formatAllowed(allowed: AllowedSubject): string {
  const base = allowed.wildcard
    ? `${allowed.type.name}:*`
    : allowed.relation
      ? `${allowed.type.name}#${allowed.relation.name}`
      : allowed.type.name;
  const traits = [allowed.caveat?.name, allowed.expiration ? "expiration" : undefined].filter(
    (t) => t !== undefined,
  );
  return traits.length > 0 ? `${base} with ${traits.join(" and ")}` : base;
}

export function allows(relation: RelationDef, subject: SubjectRef): boolean {
  return relation.allowed.some((a) => {
    if (a.type.name !== subject.type) return false;
    if (subject.id === "*") return a.wildcard;
    if (a.wildcard) return false;
    return (a.relation?.name ?? undefined) === (subject.relation ?? undefined);
  });
}

/**
 * Checks that the schema accepts a relationship: its resource type and relation exist, the
 * relation is a relation (permissions are computed, never written), and the subject is one of
 * the relation's allowed subject types.
 */
export function validateRelationship(schema: CompiledSchema, r: Relationship, place?: Place): RelationDef {
  const text = formatRelationship(r);
  const type = schema.typesByName.get(r.resource.type);
  if (!type) throw inputError(`unknown type \`${r.resource.type}\` in \`${text}\``, place);
  const member = type.members.get(r.relation);
  if (!member) {
    throw inputError(
      `unknown relation \`${r.relation}\` on type \`${type.name}\` in \`${text}\`${suggest(type)}`,
      place,
    );
  }
  if (member.kind !== "relation") {
    throw inputError(
      `\`${type.name}#${r.relation}\` is a permission, which is computed and cannot be written (in \`${text}\`)`,
      place,
    );
  }
  const subjectType = schema.typesByName.get(r.subject.type);
  if (!subjectType) throw inputError(`unknown subject type \`${r.subject.type}\` in \`${text}\``, place);
  if (r.subject.relation !== undefined && !subjectType.members.has(r.subject.relation)) {
    throw inputError(
      `unknown relation \`${r.subject.relation}\` on subject type \`${subjectType.name}\` in \`${text}\``,
      place,
    );
  }
  if (!allows(member, r.subject)) {
    throw inputError(
      `subject \`${formatSubject(r.subject)}\` is not allowed on \`${type.name}#${member.name}\`: expected one of ${member.allowed
        .map((a) => `\`${formatAllowed(a)}\``)
        .join(", ")}`,
      place,
    );
  }
  return member;
}

function suggest(type: TypeDef): string {
  const relations = [...type.members.values()]
    .filter((m) => m.kind === "relation")
    .map((m) => `\`${m.name}\``);
  return relations.length > 0 ? `; relations of \`${type.name}\`: ${relations.join(", ")}` : "";
}

/** Looks up what a check names, with clear errors for unknown types, permissions and subject relations. */
export function resolveCheck(
  schema: CompiledSchema,
  resourceType: string,
  permission: string,
  subject: SubjectRef,
  place?: Place,
): MemberDef {
  // Without a place (a request's fields rather than a line of a file), name the field.
  const type = schema.typesByName.get(resourceType);
  if (!type) throw inputError(`unknown resource type \`${resourceType}\``, place ?? { field: "resource" });
  const member = type.members.get(permission);
  if (!member) {
    throw inputError(
      `unknown permission or relation \`${permission}\` on type \`${resourceType}\`; it has ${[...type.members.keys()].map((n) => `\`${n}\``).join(", ") || "none"}`,
      place ?? { field: "permission" },
    );
  }
  resolveSubjectType(schema, subject.type, subject.relation, place ?? { field: "subject" });
  return member;
}

export function resolveSubjectType(
  schema: CompiledSchema,
  subjectType: string,
  subjectRelation: string | undefined,
  place?: Place,
): TypeDef {
  const type = schema.typesByName.get(subjectType);
  if (!type) throw inputError(`unknown subject type \`${subjectType}\``, place ?? { field: "subjectType" });
  if (subjectRelation !== undefined && !type.members.has(subjectRelation)) {
    throw inputError(
      `unknown relation \`${subjectRelation}\` on subject type \`${subjectType}\``,
      place ?? { field: "subjectRelation" },
    );
  }
  return type;
}
