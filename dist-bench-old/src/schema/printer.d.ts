import type { ExpressionAst, SchemaAst } from "./ast.js";
/**
 * Formats a schema the way `zed` does: one definition per block, members indented by a tab,
 * comments kept above what they describe. Parentheses are printed only where the tree needs
 * them, so parse → print → parse gives the same tree.
 */
export declare function printSchema(ast: SchemaAst): string;
export declare function printExpression(e: ExpressionAst): string;
