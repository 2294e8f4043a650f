import { type Static, Type } from "@sinclair/typebox";

/** Why a check answered as it did: the evaluation tree, a node per step (`ExplainNode`). */
export const ExplainView = Type.Recursive(
  (Node) =>
    Type.Object({
      step: Type.String({
        description:
          "permission, relation, union, intersection, exclusion, arrow, nil, direct, wildcard, self or cycle",
      }),
      label: Type.String({ description: "`document:readme#view`, `viewer - banned`, `parent->view` ..." }),
      result: Type.Boolean(),
      relationship: Type.Optional(Type.String()),
      children: Type.Array(Node),
    }),
  { $id: "ExplainNode" },
);
export type ExplainView = Static<typeof ExplainView>;
