import { type Static, Type } from "@sinclair/typebox";
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from "../service/pages.js";

/**
 * Request and response shapes, as JSON Schema (TypeBox): Fastify validates requests against
 * them, serialises responses with them, and the OpenAPI document is generated from them.
 * Objects, subjects and relationships travel in SpiceDB's tuple syntax.
 */
export const ObjectText = Type.String({
  description: "an object, `type:id`",
  examples: ["document:readme"],
  maxLength: 2200,
});
export const SubjectText = Type.String({
  description: "a subject, `type:id`, `type:id#relation` or `type:*`",
  examples: ["user:ann", "group:eng#member"],
  maxLength: 2200,
});
export const TupleText = Type.String({
  description:
    "a relationship, `type:id#relation@type:id[#relation]`, optionally with a caveat (`[name]`, `[name:{...}]`) and an expiration (`[expiration:2027-01-01T00:00:00Z]`) after it",
  examples: [
    "document:readme#viewer@group:eng#member",
    "document:readme#viewer@user:ann[expiration:2027-01-01T00:00:00Z]",
  ],
  // The tuple itself (4,500) and a caveat context of at most SpiceDB's default 25,000 bytes.
  maxLength: 30_000,
});
export const Name = Type.String({
  description: "a relation or permission name",
  minLength: 1,
  maxLength: 64,
  examples: ["view"],
});
export const Revision = Type.Integer({ minimum: 0, description: "a store revision" });
export const TenantParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 64, description: "tenant name" }),
});
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, description: "change id" }) });

export const Consistency = {
  atLeastRevision: Type.Optional(
    Type.Integer({ minimum: 0, description: "answer at this revision or newer (read your writes)" }),
  ),
};

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      kind: Type.String({
        description:
          "input, not_found, conflict, refused, unavailable, limit, unauthenticated, forbidden, internal",
      }),
      message: Type.String(),
      place: Type.Optional(Type.Unknown()),
      details: Type.Optional(Type.Array(Type.Unknown())),
      facts: Type.Optional(
        Type.Object(
          {},
          {
            additionalProperties: true,
            description:
              "what the caller needs to act on a refusal: for a schema write held back by its plan, `change` (the id proposed), `gained`, `lost`, `summary` and `blockedBecause`",
          },
        ),
      ),
    }),
  },
  { $id: "Error" },
);

/** A check's (or a lookup's) caveat context. */
export const CheckContext = Type.Optional(
  Type.Record(Type.String(), Type.Unknown(), {
    description:
      "caveat context: values for the parameters of the caveats on the relationships the check meets (a relationship's own context wins)",
  }),
);

export const CheckBody = Type.Object(
  {
    resource: ObjectText,
    permission: Name,
    subject: SubjectText,
    context: CheckContext,
    explain: Type.Optional(Type.Boolean()),
    ...Consistency,
  },
  { additionalProperties: false },
);
export type CheckBody = Static<typeof CheckBody>;

export const CheckItem = Type.Object(
  { resource: ObjectText, permission: Name, subject: SubjectText, context: CheckContext },
  { additionalProperties: false },
);
export const MAX_BATCH = 10_000;

/** `limit` and `cursor` of a paged read (lookups, relationship reads). */
export const Paging = {
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: PAGE_SIZE_MAX,
      description: `items in this page (default ${PAGE_SIZE_DEFAULT}, at most ${PAGE_SIZE_MAX})`,
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4096,
      description: "the `cursor` of the page before: continue where it ended, at its revision",
    }),
  ),
};
export { NextCursor } from "../service/views/query.js";

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
