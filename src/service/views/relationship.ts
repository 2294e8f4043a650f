import { type Static, Type } from "@sinclair/typebox";
import { formatRelationship } from "../../model/relationship.js";
import type { StoredRelationship } from "../../store/store.js";

/**
 * A live relationship as a read returns it: its tuple text (with `[caveat:{...}]` and
 * `[expiration:...]` when it carries them, so the text alone can be written back) and the same
 * caveat and expiration as fields, for clients that would rather not parse the text.
 */
export const RelationshipView = Type.Object({
  relationship: Type.String({
    description: "SpiceDB's tuple syntax, with its caveat and expiration",
    examples: ['document:readme#viewer@user:ann[on_weekdays:{"tz":"UTC"}][expiration:2027-01-01T00:00:00Z]'],
  }),
  createdRevision: Type.Integer(),
  caveat: Type.Optional(
    Type.Object({
      name: Type.String(),
      context: Type.Optional(
        Type.Record(Type.String(), Type.Unknown(), { description: "the caveat's context" }),
      ),
    }),
  ),
  expiresAt: Type.Optional(
    Type.String({
      description: "RFC 3339 UTC time at which it stops granting",
      examples: ["2027-01-01T00:00:00Z"],
    }),
  ),
});
export type RelationshipView = Static<typeof RelationshipView>;

export function relationshipView(r: StoredRelationship): RelationshipView {
  return {
    relationship: formatRelationship(r),
    createdRevision: r.createdRevision,
    ...(r.caveat !== undefined ? { caveat: r.caveat } : {}),
    ...(r.expiresAt !== undefined ? { expiresAt: r.expiresAt } : {}),
  };
}
