import type { Expression } from "./compiled.js";
/** Prints a compiled expression in schema syntax, parenthesised as the printer does. */
export declare function formatExpression(e: Expression): string;
