import { type Static, Type } from "@sinclair/typebox";

/** Why a check answered as it did: the evaluation tree, a node per step (`ExplainNode`). */
export const ExplainView = Type.Recursive(
  (Node) =>
    Type.Object({
      step: Type.String({
        description:
          "permission, relation, union, intersection, exclusion, arrow, nil, direct, wildcard, self, cycle, caveat or expiration",
      }),
      label: Type.String({ description: "`document:readme#view`, `viewer - banned`, `parent->view` ..." }),
      result: Type.Boolean(),
      conditional: Type.Optional(
        Type.Array(Type.String(), {
          description:
            "present when the step's answer is conditional: the caveat context parameters it still needs",
        }),
      ),
      caveat: Type.Optional(
        Type.Object({
          name: Type.String(),
          expression: Type.String({ description: "the caveat's CEL expression" }),
          context: Type.Record(Type.String(), Type.Unknown(), {
            description: "the relationship's context over the request's, as the caveat saw them",
          }),
          result: Type.Union([Type.Boolean(), Type.Literal("conditional")]),
        }),
      ),
      relationship: Type.Optional(Type.String()),
      children: Type.Array(Node),
    }),
  { $id: "ExplainNode" },
);
export type ExplainView = Static<typeof ExplainView>;
