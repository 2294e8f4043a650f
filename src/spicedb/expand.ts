import { v1 } from "@authzed/authzed-node";
import { GatehouseError, unknownNameError } from "../model/errors.js";
import type { ObjectRef } from "../model/relationship.js";
import type { Expression, MemberDef } from "../schema/compiled.js";
import { typesHint } from "../schema/defined-types.js";
import type { Gatehouse } from "../service/gatehouse.js";
import type { Revision } from "../service/records.js";
import { freshnessOf, storeRevision } from "./consistency.js";
import type { SpicedbDoor } from "./door.js";
import { objectOf, toObjectReference, toSubjectReference } from "./relationships.js";
import { requiredText } from "./requests.js";
import type { Call, Unary } from "./rpc.js";
import { SpicedbError } from "./status.js";
import { encodeZedToken } from "./zedtoken.js";

type Tree = v1.PermissionRelationshipTree;
const { UNION, INTERSECTION, EXCLUSION } = v1.AlgebraicSubjectSet_Operation;

/** Hops through objects one expansion may take, as a check's depth limit. */
const MAX_DEPTH = 50;

/**
 * The most nodes one expansion builds. Its answer is a tree, so data whose objects reach the same
 * objects by several paths (a diamond: each folder with two parents, each of two parents) doubles
 * it with each level, each node a store read: one call 25 levels deep would hold more than any
 * heap. A written hierarchy expands to hundreds or thousands of nodes.
 */
export const MAX_EXPAND_NODES = 100_000;

/**
 * ExpandPermissionTree as SpiceDB answers it: a relation is a leaf of its direct subjects
 * (usersets and wildcards as they are, not expanded further); a permission is its expression,
 * each operator a node on the object and permission being expanded (a lone operand as a
 * one-child union), a reference to another member that member's own tree, and an arrow a union
 * of the computed member's trees on each object the tupleset names. Relationships are read from
 * the store at one revision, so `at_exact_snapshot` is answered exactly.
 */
async function expandPermissionTree(door: SpicedbDoor, request: v1.ExpandPermissionTreeRequest, call: Call) {
  const caller = await door.auth.authorize(call, { role: "check" });
  const resource = objectOf(request.resource, "resource");
  const permission = requiredText(request.permission, "permission");
  const { gatehouse } = caller;
  const freshness = await freshnessOf(request.consistency, gatehouse);
  await gatehouse.catchUp();
  const revision = await storeRevision(gatehouse, freshness);
  const schema = gatehouse.engine.requireSchema();
  const type = schema.typesByName.get(resource.type);
  if (!type)
    throw unknownNameError(`unknown resource type \`${resource.type}\`${typesHint(schema)}`, {
      field: "resource",
    });
  const member = type.members.get(permission);
  if (!member)
    throw unknownNameError(`unknown permission or relation \`${permission}\` on type \`${resource.type}\``, {
      field: "permission",
    });
  const expander = new Expander(gatehouse, caller.tenant, revision);
  return { expandedAt: encodeZedToken(revision), treeRoot: await expander.member(resource, member, 0) };
}

class Expander {
  /** Nodes built so far (see `MAX_EXPAND_NODES`). */
  private nodes = 0;

  constructor(
    private readonly gatehouse: Gatehouse,
    private readonly tenant: string,
    private readonly revision: Revision,
  ) {}

  private subjectsOf(object: ObjectRef, relation: string) {
    return this.gatehouse.readRelationships(
      this.tenant,
      { resourceType: object.type, resourceId: object.id, relation },
      { atRevision: this.revision },
    );
  }

  /** Counts a node about to be built; past the budget the expansion is refused. */
  private count(): void {
    if (++this.nodes > MAX_EXPAND_NODES)
      throw new GatehouseError(
        "limit",
        `the expansion has more than ${MAX_EXPAND_NODES.toLocaleString("en")} nodes (the relationships it follows reach the same objects by many paths, each shown as its own subtree): expand an object further down, or ask CheckPermission or LookupSubjects`,
      );
  }

  async member(object: ObjectRef, member: MemberDef, depth: number): Promise<Tree> {
    this.count();
    if (depth > MAX_DEPTH)
      throw new GatehouseError(
        "limit",
        `the expansion is deeper than ${MAX_DEPTH} objects (a cycle in the data?)`,
      );
    const on = { expandedObject: toObjectReference(object), expandedRelation: member.name };
    if (member.kind === "relation") {
      const rows = await this.subjectsOf(object, member.name);
      return {
        ...on,
        treeType: { oneofKind: "leaf", leaf: { subjects: rows.map((r) => toSubjectReference(r.subject)) } },
      };
    }
    const e = member.expression;
    const top =
      e.op === "union" || e.op === "intersection" || e.op === "exclusion"
        ? e
        : { op: "union" as const, operands: [e] };
    return this.expression(object, member, top, depth);
  }

  private async expression(object: ObjectRef, start: MemberDef, e: Expression, depth: number): Promise<Tree> {
    this.count();
    const node = async (
      operation: v1.AlgebraicSubjectSet_Operation,
      operands: readonly Expression[],
    ): Promise<Tree> => {
      const children: Tree[] = [];
      for (const operand of operands) children.push(await this.expression(object, start, operand, depth));
      return {
        expandedObject: toObjectReference(object),
        expandedRelation: start.name,
        treeType: { oneofKind: "intermediate", intermediate: { operation, children } },
      };
    };
    switch (e.op) {
      case "union":
        return node(UNION, e.operands);
      case "intersection":
        return node(INTERSECTION, e.operands);
      case "exclusion":
        return node(EXCLUSION, [e.base, e.subtracted]);
      case "ref":
        return this.member(object, e.member, depth);
      case "nil":
      case "self":
        return {
          expandedObject: toObjectReference(object),
          expandedRelation: start.name,
          treeType: {
            oneofKind: "leaf",
            leaf: { subjects: e.op === "self" ? [toSubjectReference(object)] : [] },
          },
        };
      case "arrow": {
        if (e.mode === "all")
          throw new SpicedbError(
            "UNIMPLEMENTED",
            "expanding an `.all()` arrow is not supported by Gatehouse",
          );
        const children: Tree[] = [];
        for (const row of await this.subjectsOf(object, e.tupleset.name)) {
          const target = this.gatehouse.engine
            .requireSchema()
            .typesByName.get(row.subject.type)
            ?.members.get(e.computed);
          if (target)
            children.push(
              await this.member({ type: row.subject.type, id: row.subject.id }, target, depth + 1),
            );
        }
        return {
          expandedObject: toObjectReference(object),
          expandedRelation: start.name,
          treeType: { oneofKind: "intermediate", intermediate: { operation: UNION, children } },
        };
      }
    }
  }
}

export function expandHandler(door: SpicedbDoor): Unary<v1.ExpandPermissionTreeRequest, unknown> {
  return (request, call) => expandPermissionTree(door, request, call);
}
