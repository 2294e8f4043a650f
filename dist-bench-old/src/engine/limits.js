import { GatehouseError } from "../model/errors.js";
export function depthExceeded(evaluator, object, member) {
    const where = object >= 0 ? `${evaluator.data.objectKeys[object]}#${member.name}` : member.name;
    throw new GatehouseError("limit", `max depth of ${evaluator.maxDepth} exceeded at \`${where}\`: the relationships form a chain deeper than the limit (raise it with maxDepth, or look for unintended nesting)`);
}
//# sourceMappingURL=limits.js.map