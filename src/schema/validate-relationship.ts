import { GatehouseError, inputError, type Place, unknownNameError } from "../model/errors.js";
import {
  formatRelationship,
  formatSubject,
  type Relationship,
  type SubjectRef,
} from "../model/relationship.js";
import type { CompiledCaveat } from "./caveats/compile.js";
import { contextValue } from "./caveats/context-values.js";
import type { AllowedSubject, CompiledSchema, MemberDef, RelationDef, TypeDef } from "./compiled.js";
import { typesHint } from "./defined-types.js";

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

/** Whether an allowed subject type names this subject's type, relation or wildcard (traits aside). */
function allowsSubject(a: AllowedSubject, subject: SubjectRef): boolean {
  if (a.type.name !== subject.type) return false;
  if (subject.id === "*") return a.wildcard;
  if (a.wildcard) return false;
  return (a.relation?.name ?? undefined) === (subject.relation ?? undefined);
}

export function allows(relation: RelationDef, subject: SubjectRef): boolean {
  return relation.allowed.some((a) => allowsSubject(a, subject));
}

/**
 * Whether an allowed subject type admits the relationship with its traits, as SpiceDB matches
 * them: the caveat named must be the one after `with` (none when there is none) and an expiration
 * needs `with expiration`. `user with c` alone refuses a plain `user`, and `user with expiration`
 * refuses one that does not expire: each is a different allowed type, as in SpiceDB.
 */
function allowsWithTraits(a: AllowedSubject, r: Relationship): boolean {
  return allowsSubject(a, r.subject) && sameTraitsAs(a, r.caveat?.name, r.expiresAt !== undefined);
}

function sameTraitsAs(a: AllowedSubject, caveatName: string | undefined, expiration: boolean): boolean {
  return (a.caveat?.name ?? undefined) === caveatName && (a.expiration === true) === expiration;
}

/** Whether a relation admits this subject with this caveat (or none) and expiration (or not). */
export function allowsWith(
  relation: RelationDef,
  subject: SubjectRef,
  caveatName: string | undefined,
  expiration: boolean,
): boolean {
  return relation.allowed.some((a) => allowsSubject(a, subject) && sameTraitsAs(a, caveatName, expiration));
}

/**
 * What a relationship may be written for. A `delete` that names no caveat is matched on its
 * subject type alone (SpiceDB's rule): it names the relationship to remove, whatever it carries.
 */
export type ValidationPurpose = "write" | "delete";

/**
 * Checks that the schema accepts a relationship: its resource type and relation exist, the
 * relation is a relation (permissions are computed, never written), the subject is one of the
 * relation's allowed subject types with the same caveat and expiration, and a caveat's context
 * names only the caveat's parameters with values of their types.
 */
export function validateRelationship(
  schema: CompiledSchema,
  r: Relationship,
  place?: Place,
  purpose: ValidationPurpose = "write",
): RelationDef {
  const text = formatRelationship(r);
  const type = schema.typesByName.get(r.resource.type);
  if (!type)
    throw unknownNameError(`unknown type \`${r.resource.type}\` in \`${text}\`${typesHint(schema)}`, place);
  const member = type.members.get(r.relation);
  if (!member) {
    throw unknownNameError(
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
  if (!subjectType)
    throw unknownNameError(
      `unknown subject type \`${r.subject.type}\` in \`${text}\`${typesHint(schema)}`,
      place,
    );
  if (r.subject.relation !== undefined && !subjectType.members.has(r.subject.relation)) {
    throw unknownNameError(
      `unknown relation \`${r.subject.relation}\` on subject type \`${subjectType.name}\` in \`${text}\``,
      place,
    );
  }
  const expected = () => member.allowed.map((a) => `\`${formatAllowed(a)}\``).join(", ");
  if (!allows(member, r.subject)) {
    throw inputError(
      `subject \`${formatSubject(r.subject)}\` is not allowed on \`${type.name}#${member.name}\`: expected one of ${expected()}`,
      place,
    );
  }
  // Not `unknownNameError`: the relationship does not fit its relation (no allowed subject
  // carries this caveat), which SpiceDB answers INVALID_ARGUMENT, not FAILED_PRECONDITION.
  if (r.caveat !== undefined && !schema.caveats.has(r.caveat.name)) {
    throw inputError(
      `unknown caveat \`${r.caveat.name}\` in \`${text}\`: the schema does not define it${caveatList(schema)}`,
      place,
    );
  }
  const matchesTraits = purpose === "delete" && r.caveat === undefined;
  const allowed = matchesTraits ? undefined : member.allowed.find((a) => allowsWithTraits(a, r));
  if (!matchesTraits && allowed === undefined) {
    throw inputError(
      `\`${text}\` is not allowed on \`${type.name}#${member.name}\`: ${traitsOf(r)} does not fit; the schema allows ${expected()}`,
      place,
    );
  }
  if (allowed?.caveat !== undefined && r.caveat?.context !== undefined)
    checkCaveatContext(allowed.caveat, r.caveat.context, text, place);
  return member;
}

/** What the relationship carries, as the message names it. */
function traitsOf(r: Relationship): string {
  const subject = `\`${formatSubject(r.subject)}\``;
  if (r.caveat !== undefined && r.expiresAt !== undefined)
    return `${subject} with caveat \`${r.caveat.name}\` and an expiration`;
  if (r.caveat !== undefined) return `${subject} with caveat \`${r.caveat.name}\``;
  if (r.expiresAt !== undefined) return `${subject} with an expiration`;
  return `${subject} without a caveat or expiration`;
}

function caveatList(schema: CompiledSchema): string {
  const names = [...schema.caveats.keys()].map((n) => `\`${n}\``);
  return names.length > 0 ? `; its caveats: ${names.join(", ")}` : "; it defines no caveat";
}

/**
 * A relationship's context holds only the caveat's parameters, each of its declared type
 * (SpiceDB refuses unknown parameters on a write); missing ones are supplied at check time.
 */
function checkCaveatContext(
  caveat: CompiledCaveat,
  context: Readonly<Record<string, unknown>>,
  text: string,
  place: Place | undefined,
): void {
  for (const [key, value] of Object.entries(context)) {
    const type = caveat.parameters.get(key);
    if (type === undefined) {
      const known = [...caveat.parameters.keys()].map((n) => `\`${n}\``).join(", ");
      throw inputError(
        `caveat \`${caveat.name}\` has no parameter \`${key}\` (in the context of \`${text}\`); its parameters: ${known}`,
        place,
      );
    }
    try {
      contextValue(caveat.name, key, type, value);
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      throw inputError(`${error.message} (in \`${text}\`)`, place);
    }
  }
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
  if (!type)
    throw unknownNameError(
      `unknown resource type \`${resourceType}\`${typesHint(schema)}`,
      place ?? { field: "resource" },
    );
  const member = type.members.get(permission);
  if (!member) {
    throw unknownNameError(
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
  if (!type)
    throw unknownNameError(
      `unknown subject type \`${subjectType}\`${typesHint(schema)}`,
      place ?? { field: "subjectType" },
    );
  if (subjectRelation !== undefined && !type.members.has(subjectRelation)) {
    throw unknownNameError(
      `unknown relation \`${subjectRelation}\` on subject type \`${subjectType}\``,
      place ?? { field: "subjectRelation" },
    );
  }
  return type;
}
