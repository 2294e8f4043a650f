import type { Position } from "./ast.js";

/** The position reached from `start` after reading `text`. */
export function advanceBy(start: Position, text: string): Position {
  let { line, column } = start;
  for (const ch of text) {
    if (ch === "\n") {
      line++;
      column = 1;
    } else column++;
  }
  return { offset: start.offset + text.length, line, column };
}
