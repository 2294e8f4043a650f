/**
 * The syntax tree of SpiceDB's schema language, with source positions on every node so that
 * the checker can point at the exact place of a problem.
 */
export const ELLIPSIS = "...";
//# sourceMappingURL=ast.js.map