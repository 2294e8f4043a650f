import { type Place } from "../model/errors.js";
import type { SchemaAst, Span } from "./ast.js";
/**
 * Parses schema text into a tree. Syntax errors are collected: after one, the parser skips to
 * the end of the statement and goes on, so a file with several mistakes reports them all.
 * Operator precedence is SpiceDB's (measured against it): `->` binds tightest, then `+`, then
 * `&`, then `-`; each level is left-associative, so `a - b + c` means `a - (b + c)`.
 */
export declare function parseSchemaText(text: string, file?: string): SchemaAst;
export declare function placeOf(span: Span, file: string | undefined, lines: readonly string[]): Place;
