import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import type { ExplainNode } from "../../src/engine/explain.js";
import { formatRelationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";
import { randomModel } from "../support/random-model.js";

/**
 * Explain is built from the check's own walk (`Evaluator.trace`); this holds the tree to being a
 * proof of the check's answer, over random schemas and data (arrows, `.all`, intersections,
 * exclusions, wildcards, usersets, nested and cyclic groups): the same answer or the same error
 * as the check, at the default depth limit and at a small one; every node's answer following
 * from its children's by its step; and every relationship a node names present in the data.
 */
const SEEDS = 60;
const QUERIES_PER_MODEL = 300;

function outcome(f: () => boolean): string {
  try {
    return String(f());
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/** What is wrong with a node of the tree, or undefined when it follows from its children. */
function defect(node: ExplainNode, relationships: ReadonlySet<string>): string | undefined {
  const results = node.children.map((c) => c.result);
  if (node.relationship !== undefined && !relationships.has(node.relationship))
    return `names ${node.relationship}, which the data does not have`;
  switch (node.step) {
    case "direct":
    case "wildcard":
    case "self":
      return node.result && node.children.length === 0 ? undefined : "a leaf that grants must be true";
    case "cycle":
    case "nil":
      return !node.result && node.children.length === 0 ? undefined : "a cut or nil must be false";
    case "relation":
      // A relation grants through one of its relationships (a leaf or a userset below).
      return node.result === results.includes(true) ? undefined : "a relation answers as its steps do";
    case "union":
      return node.result === results.includes(true) ? undefined : "a union answers as any operand";
    case "intersection":
      return node.result === (results.length > 0 && !results.includes(false))
        ? undefined
        : "an intersection answers as all operands";
    case "exclusion":
      return node.result === (results[0] === true && results[1] !== true)
        ? undefined
        : "an exclusion answers base and not subtracted";
    case "arrow":
      // `any` grants by one target, `all` by every one: either way a granting arrow has a
      // granting target, and a denying `any` arrow has none.
      return !node.result || results.includes(true) ? undefined : "a granting arrow needs a granting target";
    case "permission":
      return node.children.length > 0 || !node.result ? undefined : "a granting permission needs a step";
  }
}

function defects(node: ExplainNode, relationships: ReadonlySet<string>, path = ""): string[] {
  const here = `${path} > ${node.label}`;
  const own = defect(node, relationships);
  return [
    ...(own === undefined ? [] : [`${here}: ${own}`]),
    ...node.children.flatMap((c) => defects(c, relationships, here)),
  ];
}

describe("explain is a proof of the check's answer", () => {
  for (const maxDepth of [50, 3]) {
    it(`on random models, max depth ${maxDepth}`, () => {
      let explained = 0;
      let refused = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const model = randomModel(seed);
        const schema = compileSchema(model.schema);
        const engine = new Engine(schema, { maxDepth });
        engine.tenant("t").apply(model.relationships, []);
        // An arrow step names its relationship by the object it walks to, without the subject
        // relation a userset subject has.
        const relationships = new Set(model.relationships.map(formatRelationship));
        for (const r of model.relationships)
          relationships.add(
            formatRelationship({ ...r, subject: { type: r.subject.type, id: r.subject.id } }),
          );
        for (const q of model.queries.slice(0, QUERIES_PER_MODEL)) {
          const request = { resource: q.resource, permission: q.permission, subject: q.subject };
          const check = outcome(() => engine.check("t", request));
          let tree: ExplainNode | undefined;
          const explain = outcome(() => {
            tree = engine.explain("t", request);
            return tree.result;
          });
          expect({ seed, request, explain }).toEqual({ seed, request, explain: check });
          if (tree === undefined) {
            refused++;
            continue;
          }
          explained++;
          expect({ seed, request, defects: defects(tree, relationships) }).toEqual({
            seed,
            request,
            defects: [],
          });
        }
      }
      // The models exercise both outcomes: proofs, and (at the small limit) depth errors.
      expect(explained).toBeGreaterThan(1000);
      if (maxDepth === 3) expect(refused).toBeGreaterThan(0);
    });
  }
});
