import type { LineCounter, Node, YAMLMap } from "yaml";
import { Diagnostics, GatehouseError, type Place } from "../model/errors.js";
import { checkYamlNesting } from "../model/yaml-depth.js";
import { yamlLibrary } from "../model/yaml-library.js";

/**
 * A YAML document read with positions, so that every complaint about a change or guards file
 * can name its line and column.
 */
export class YamlSource {
  readonly diagnostics = new Diagnostics();
  readonly root: YAMLMap | undefined;
  private readonly lines: LineCounter = new (yamlLibrary().LineCounter)();
  private readonly textLines: string[];

  constructor(
    readonly text: string,
    readonly file: string | undefined,
  ) {
    this.textLines = text.split("\n");
    checkYamlNesting(text, (line, column) => this.at(line, column));
    const doc = yamlLibrary().parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    for (const error of doc.errors) {
      const at = this.lines.linePos(error.pos[0]);
      throw new GatehouseError(
        "input",
        `invalid YAML: ${error.message.split("\n")[0]}`,
        this.at(at.line, at.col),
      );
    }
    if (doc.contents === null) {
      this.diagnostics.add("the file is empty: expected a mapping of keys", { ...this.fileOnly(), line: 1 });
      return;
    }
    if (!yamlLibrary().isMap(doc.contents)) {
      this.diagnostics.add("expected a mapping of keys at the top level", this.placeOf(doc.contents));
      return;
    }
    this.root = doc.contents;
  }

  private fileOnly(): Place {
    return this.file !== undefined ? { file: this.file } : {};
  }

  private at(line: number, column: number): Place {
    return { ...this.fileOnly(), line, column, snippet: this.textLines[line - 1] ?? "" };
  }

  placeOf(node: Node | null | undefined): Place {
    if (!node?.range) return this.fileOnly();
    const at = this.lines.linePos(node.range[0]);
    return this.at(at.line, at.col);
  }

  /** Place of column `offset` (0-based) inside a single-line scalar. */
  placeInside(node: Node, offset: number): Place {
    const place = this.placeOf(node);
    const quoted =
      yamlLibrary().isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") ? 1 : 0;
    return { ...place, column: (place.column ?? 1) + offset + quoted };
  }

  /** Reports keys outside `allowed`, each at its place. */
  checkKeys(map: YAMLMap, allowed: readonly string[], where: string): void {
    for (const item of map.items) {
      const key = yamlLibrary().isScalar(item.key) ? String(item.key.value) : String(item.key);
      if (!allowed.includes(key)) {
        this.diagnostics.add(
          `unknown key \`${key}\` in ${where}: expected one of ${allowed.map((k) => `\`${k}\``).join(", ")}`,
          this.placeOf(item.key as Node),
        );
      }
    }
  }

  get(map: YAMLMap, key: string): Node | undefined {
    const value = map.get(key, true);
    return (value ?? undefined) as Node | undefined;
  }

  /** A string value, or undefined when absent; other types are reported. */
  string(map: YAMLMap, key: string): string | undefined {
    const node = this.get(map, key);
    if (node === undefined || (yamlLibrary().isScalar(node) && node.value === null)) return undefined;
    if (yamlLibrary().isScalar(node) && typeof node.value === "string") return node.value;
    this.diagnostics.add(`\`${key}\` must be a string`, this.placeOf(node));
    return undefined;
  }

  /** A boolean value, or undefined when absent; other types are reported. */
  boolean(map: YAMLMap, key: string): boolean | undefined {
    const node = this.get(map, key);
    if (node === undefined || (yamlLibrary().isScalar(node) && node.value === null)) return undefined;
    if (yamlLibrary().isScalar(node) && typeof node.value === "boolean") return node.value;
    this.diagnostics.add(`\`${key}\` must be \`true\` or \`false\``, this.placeOf(node));
    return undefined;
  }

  number(map: YAMLMap, key: string): number | undefined {
    const node = this.get(map, key);
    if (node === undefined) return undefined;
    if (
      yamlLibrary().isScalar(node) &&
      typeof node.value === "number" &&
      Number.isInteger(node.value) &&
      node.value >= 0
    )
      return node.value;
    this.diagnostics.add(`\`${key}\` must be a whole number, 0 or more`, this.placeOf(node));
    return undefined;
  }

  /** The items of a list of strings, with their nodes; reports non-strings. */
  strings(map: YAMLMap, key: string): Array<{ value: string; node: Node }> {
    const node = this.get(map, key);
    if (node === undefined || (yamlLibrary().isScalar(node) && node.value === null)) return [];
    if (!yamlLibrary().isSeq(node)) {
      this.diagnostics.add(`\`${key}\` must be a list`, this.placeOf(node));
      return [];
    }
    const out: Array<{ value: string; node: Node }> = [];
    for (const item of node.items) {
      if (yamlLibrary().isScalar(item) && typeof item.value === "string")
        out.push({ value: item.value, node: item });
      else this.diagnostics.add(`items of \`${key}\` must be strings`, this.placeOf(item as Node));
    }
    return out;
  }

  /** The items of a list of mappings. */
  maps(map: YAMLMap, key: string): YAMLMap[] {
    const node = this.get(map, key);
    if (node === undefined || (yamlLibrary().isScalar(node) && node.value === null)) return [];
    if (!yamlLibrary().isSeq(node)) {
      this.diagnostics.add(`\`${key}\` must be a list`, this.placeOf(node));
      return [];
    }
    const out: YAMLMap[] = [];
    for (const item of node.items) {
      if (yamlLibrary().isMap(item)) out.push(item);
      else this.diagnostics.add(`items of \`${key}\` must be mappings`, this.placeOf(item as Node));
    }
    return out;
  }

  /** Runs `parse` and records its GatehouseError at the node instead of throwing. */
  attempt<T>(parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      this.diagnostics.errors.push(error);
      return undefined;
    }
  }
}
