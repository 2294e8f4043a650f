import { GatehouseError } from "../model/errors.js";
import type { MemberDef } from "../schema/compiled.js";
import type { Evaluator } from "./evaluator.js";

export function depthExceeded(evaluator: Evaluator, object: number, member: MemberDef): never {
  const where = object >= 0 ? `${evaluator.data.objectKeys.get(object)}#${member.name}` : member.name;
  throw new GatehouseError(
    "limit",
    `max depth of ${evaluator.maxDepth} exceeded at \`${where}\`: the relationships form a chain deeper than the limit (raise it with maxDepth, or look for unintended nesting)`,
  );
}
