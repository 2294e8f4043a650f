import type { CST } from "yaml";
import { GatehouseError, type Place } from "./errors.js";
import { yamlLibrary } from "./yaml-library.js";

/**
 * How deeply the YAML files Gatehouse reads (change, guards and validation files) may nest
 * lists and mappings. Their real shapes nest a few levels; the YAML library builds its tree by
 * recursion, so thousands of `[` or `- - -` would exhaust the stack inside it.
 */
export const MAX_YAML_NESTING = 64;

/**
 * Refuses YAML text that nests deeper than `MAX_YAML_NESTING`, before it is built into a tree.
 * The library's own first pass (its CST parser) keeps an explicit stack, and this walk keeps its
 * own, so no depth of input reaches the stack.
 */
export function checkYamlNesting(text: string, place: (line: number, column: number) => Place): void {
  for (const token of new (yamlLibrary().Parser)().parse(text)) {
    if (token.type !== "document" || !token.value) continue;
    const pending: Array<[CST.Token, number]> = [[token.value, 0]];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [node, depth] = next;
      if (node.type !== "block-map" && node.type !== "block-seq" && node.type !== "flow-collection") continue;
      if (depth + 1 > MAX_YAML_NESTING) {
        throw new GatehouseError(
          "limit",
          `the YAML nests lists and mappings more than ${MAX_YAML_NESTING} levels deep, the limit`,
          placeOfOffset(text, node.offset, place),
        );
      }
      for (const item of node.items) {
        if ("key" in item && item.key) pending.push([item.key, depth + 1]);
        if (item.value) pending.push([item.value, depth + 1]);
      }
    }
  }
}

/** Line and column (1-based) of an offset, counted here: no line counter has seen the text yet. */
function placeOfOffset(text: string, offset: number, place: (line: number, column: number) => Place): Place {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return place(line, offset - (before.lastIndexOf("\n") + 1) + 1);
}
