/**
 * SpiceDB validation files (`zed validate FILE.yaml`, the playground's export format):
 *
 * ```yaml
 * schema: |-            # or `schemaFile: other.zed`, relative to this file
 *   definition user {}
 *   definition document {
 *     relation reader: user
 *   }
 * relationships: |-     # one tuple a line; blank lines and `//` comment lines are skipped
 *   document:readme#reader@user:ann
 * assertions:
 *   assertTrue: ["document:readme#reader@user:ann"]
 *   assertCaveated: []  # conditional answers; any assertion may add `with {"param": value}`
 *   assertFalse: []
 * validation:           # expected relations: every subject, and the paths that reach it
 *   document:readme#reader:
 *     - "[user:ann] is <document:readme#reader>"
 * ```
 *
 * Every item carries its 1-based line and column in the YAML file so that a wrong tuple, a failed
 * assertion or a schema error can be shown where the user wrote it. All problems of a file are
 * reported together as one `GatehouseError("input")` whose `details` lists each of them.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, relative, sep } from "node:path";
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Pair,
  parseDocument,
  type Scalar,
  type Node as YamlNode,
} from "yaml";
import { Diagnostics, GatehouseError, type Place } from "../model/errors.js";
import { RELATION_NAME } from "../model/names.js";
import {
  ELLIPSIS,
  type ObjectRef,
  parseObject,
  parseRelationship,
  parseSubject,
  type Relationship,
  type SubjectRef,
  WILDCARD_ID,
} from "../model/relationship.js";

import { decodeTextFile } from "../model/text-file.js";
import { checkYamlNesting } from "../model/yaml-depth.js";

/** A position in a file: 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface ValidationSchema {
  /** The schema text, as YAML delivers it (indentation of the block removed). */
  readonly text: string;
  /** The file the text comes from: the validation file itself, or the `schemaFile`. */
  readonly file: string | undefined;
  /** Where the first line of `text` is in `file`. */
  readonly line: number;
  readonly column: number;
  /**
   * Where each line of `text` starts in `file` (`positions[i]` is text line `i + 1`). A schema
   * error at text line `l`, column `c` is in the file at `positions[l - 1].line`, column
   * `positions[l - 1].column + c - 1`. Exact for literal blocks (`|`); for folded blocks (`>`),
   * which join lines, each text line maps to the file line it starts on.
   */
  readonly positions: readonly Position[];
}

/** A tuple (a relationship, or a check in an assertion) and where it was written. */
export interface LocatedRelationship extends Position {
  readonly relationship: Relationship;
  /** An assertion's caveat context (`... with {"x": 1}`). */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** A resource and relation named in a validation string: `<document:first#writer>`. */
export interface ObjectAndRelation {
  readonly resource: ObjectRef;
  readonly relation: string;
}

export interface ExpectedSubject extends Position {
  /** `user:tom`, `user:*`, `group:eng#member` */
  readonly subject: SubjectRef;
  /** For a wildcard, the subjects taken out of it: `[user:* - {user:bob, user:sue}]`. */
  readonly excluded: readonly SubjectRef[];
  /** `[user:tom[...]]`: the subject has the permission only conditionally (under a caveat). */
  readonly caveated?: boolean;
  /** The `<resource#relation>` paths through which the subject is found; may be empty. */
  readonly resources: readonly ObjectAndRelation[];
}

/** One key of the `validation` map: every subject that `resource#permission` must have. */
export interface ExpectedRelations extends Position {
  readonly resource: ObjectRef;
  readonly permission: string;
  readonly subjects: readonly ExpectedSubject[];
}

export interface ValidationFile {
  /** The file name given to the parser, if any; every error names it. */
  readonly file: string | undefined;
  readonly schema: ValidationSchema;
  readonly relationships: readonly LocatedRelationship[];
  readonly assertTrue: readonly LocatedRelationship[];
  /** Checks whose answer must be conditional (SpiceDB's `assertCaveated`). */
  readonly assertCaveated: readonly LocatedRelationship[];
  readonly assertFalse: readonly LocatedRelationship[];
  readonly validation: readonly ExpectedRelations[];
}

export interface ParseValidationFileOptions {
  /** Reads a `schemaFile`; defaults to the file system. Tests pass a map. */
  readonly readFile?: (path: string) => string;
}

const TOP_LEVEL_KEYS = ["schema", "schemaFile", "relationships", "assertions", "validation"] as const;
const ASSERTION_KEYS = ["assertTrue", "assertCaveated", "assertFalse"] as const;
type AssertionLists = Record<(typeof ASSERTION_KEYS)[number], LocatedRelationship[]>;

/** Reads and parses a validation file from disk. */
export function loadValidationFile(path: string, options: ParseValidationFileOptions = {}): ValidationFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new GatehouseError("input", `cannot read validation file: ${(e as Error).message}`, { file: path });
  }
  return parseValidationFile(decodeTextFile(bytes, path, "a validation file (YAML)"), path, options);
}

/**
 * Parses the text of a validation file. `file` names the file in errors and is the base for a
 * relative `schemaFile`. Throws one `GatehouseError("input")` listing every problem found.
 */
export function parseValidationFile(
  text: string,
  file?: string,
  options: ParseValidationFileOptions = {},
): ValidationFile {
  return new Parser(text, file, options).parse();
}

class Parser {
  private readonly lineCounter = new LineCounter();
  private readonly diagnostics = new Diagnostics();
  private readonly sourceLines: string[];

  constructor(
    private readonly text: string,
    private readonly file: string | undefined,
    private readonly options: ParseValidationFileOptions,
  ) {
    this.sourceLines = text.split(/\r?\n/);
  }

  parse(): ValidationFile {
    checkYamlNesting(this.text, (line, column) => this.place({ line, column }));
    const doc = parseDocument(this.text, {
      lineCounter: this.lineCounter,
      keepSourceTokens: true,
      prettyErrors: false,
      uniqueKeys: true,
    });
    for (const e of doc.errors) {
      const message = e.code === "MULTIPLE_DOCS" ? "a validation file holds one YAML document" : e.message;
      this.error(`invalid YAML: ${message}`, this.placeAt(e.pos[0]));
    }
    this.diagnostics.throwIfAny(this.summary());

    const root = doc.contents;
    let schema: ValidationSchema | undefined;
    let relationships: LocatedRelationship[] = [];
    let assertions: AssertionLists = { assertTrue: [], assertCaveated: [], assertFalse: [] };
    let validation: ExpectedRelations[] = [];

    if (!isMap(root)) {
      this.error(
        "expected a mapping with the keys `schema` (or `schemaFile`), `relationships`, `assertions`, `validation`",
        // An empty file has no node to point at: its first line is where the mapping is missing.
        root ? this.placeOf(root) : { ...this.fileOnly(), line: 1 },
      );
      this.diagnostics.throwIfAny(this.summary());
      throw new Error("unreachable");
    }

    const pairs = new Map<string, Pair<unknown, unknown>>();
    for (const pair of root.items) {
      const key = pair.key;
      const name = isScalar(key) ? String(key.value) : undefined;
      if (name === undefined || !(TOP_LEVEL_KEYS as readonly string[]).includes(name)) {
        this.error(
          `unknown key \`${name ?? "?"}\`: expected one of ${TOP_LEVEL_KEYS.map((k) => `\`${k}\``).join(", ")}`,
          this.placeOf(key),
        );
        continue;
      }
      pairs.set(name, pair);
    }

    const schemaPair = pairs.get("schema");
    const schemaFilePair = pairs.get("schemaFile");
    if (schemaPair && schemaFilePair && !isEmpty(schemaPair.value) && !isEmpty(schemaFilePair.value)) {
      this.error("only one of `schema` and `schemaFile` may be given", this.placeOf(schemaFilePair.key));
    } else if (schemaFilePair && !isEmpty(schemaFilePair.value)) {
      schema = this.schemaFile(schemaFilePair);
    } else if (schemaPair) {
      schema = this.schema(schemaPair);
    } else {
      this.error("missing `schema` (or `schemaFile`)", { ...this.fileOnly(), line: 1, column: 1 });
    }

    const relationshipsPair = pairs.get("relationships");
    if (relationshipsPair) relationships = this.relationships(relationshipsPair);

    const assertionsPair = pairs.get("assertions");
    if (assertionsPair) assertions = this.assertions(assertionsPair);

    const validationPair = pairs.get("validation");
    if (validationPair) validation = this.validation(validationPair);

    this.diagnostics.throwIfAny(this.summary());
    return {
      file: this.file,
      schema: schema!,
      relationships,
      ...assertions,
      validation,
    };
  }

  // ---- sections ----

  private schema(pair: Pair<unknown, unknown>): ValidationSchema | undefined {
    const value = pair.value;
    if (isEmpty(value)) {
      const p = this.placeOf(pair.key);
      return { text: "", file: this.file, line: p.line!, column: p.column!, positions: [] };
    }
    if (!isScalar(value) || typeof value.value !== "string") {
      this.error("`schema` must be a string (use a block scalar such as `schema: |-`)", this.placeOf(value));
      return undefined;
    }
    const text = value.value;
    const positions = this.linePositions(value, text);
    const first = positions[0] ?? this.contentStart(value);
    return { text, file: this.file, line: first.line, column: first.column, positions };
  }

  private schemaFile(pair: Pair<unknown, unknown>): ValidationSchema | undefined {
    const value = pair.value;
    if (!isScalar(value) || typeof value.value !== "string") {
      this.error("`schemaFile` must be a path", this.placeOf(value));
      return undefined;
    }
    const name = value.value;
    const place = this.placeOf(value);
    const base = this.file === undefined ? "." : dirname(this.file);
    const path = isAbsolute(name) ? name : join(base, name);
    const rel = relative(base, normalize(path));
    if (isAbsolute(name) || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      this.error(
        `schema file \`${name}\` is not local: it must be inside the folder of the validation file`,
        place,
      );
      return undefined;
    }
    let text: string;
    try {
      text = (this.options.readFile ?? ((p: string) => decodeTextFile(readFileSync(p), p, "a schema")))(path);
    } catch (e) {
      this.error(`cannot read schema file \`${name}\`: ${(e as Error).message}`, place);
      return undefined;
    }
    const positions = text.split("\n").map((_, i) => ({ line: i + 1, column: 1 }));
    return { text, file: path, line: 1, column: 1, positions };
  }

  private relationships(pair: Pair<unknown, unknown>): LocatedRelationship[] {
    const value = pair.value;
    if (isEmpty(value)) return [];
    if (!isScalar(value) || typeof value.value !== "string") {
      this.error(
        "`relationships` must be a string with one relationship a line (use a block scalar such as `relationships: |-`)",
        this.placeOf(value),
      );
      return [];
    }
    const out: LocatedRelationship[] = [];
    const seen = new Map<string, number>();
    const lines = value.value.split("\n");
    const positions = this.linePositions(value, value.value);
    lines.forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed === "" || trimmed.startsWith("//")) return;
      const pos = positions[i] ?? this.contentStart(value);
      const place = this.place(pos);
      if (value.type === "BLOCK_FOLDED" && spaceOutsideContext(trimmed)) {
        this.error(
          `\`${trimmed}\` is several relationships joined into one line: a folded block (\`>\`) joins lines that no blank line separates; use a literal block (\`|\`) or blank lines between relationships`,
          place,
        );
        return;
      }
      const relationship = this.attempt(() => parseRelationship(line, place));
      if (!relationship) return;
      const lead = line.length - line.trimStart().length;
      const at = { line: pos.line, column: pos.column + lead };
      const key = formatKey(relationship);
      const previous = seen.get(key);
      if (previous !== undefined) {
        this.error(`repeated relationship \`${trimmed}\` (first on line ${previous})`, this.place(at));
        return;
      }
      seen.set(key, at.line);
      out.push({ relationship, ...at });
    });
    return out;
  }

  private assertions(pair: Pair<unknown, unknown>): AssertionLists {
    const value = pair.value;
    const lists: AssertionLists = { assertTrue: [], assertCaveated: [], assertFalse: [] };
    if (isEmpty(value)) return lists;
    if (!isMap(value)) {
      this.error(
        "`assertions` must be a mapping with `assertTrue`, `assertCaveated` and/or `assertFalse`",
        this.placeOf(value),
      );
      return lists;
    }
    for (const item of value.items) {
      const name = isScalar(item.key) ? String(item.key.value) : undefined;
      if (name === undefined || !(ASSERTION_KEYS as readonly string[]).includes(name)) {
        this.error(
          `unknown key \`${name ?? "?"}\` in \`assertions\`: expected \`assertTrue\`, \`assertCaveated\` or \`assertFalse\``,
          this.placeOf(item.key),
        );
        continue;
      }
      const target = lists[name as keyof AssertionLists];
      if (isEmpty(item.value)) continue;
      if (!isSeq(item.value)) {
        this.error(
          `\`${name}\` must be a list of \`resource#permission@subject\` strings`,
          this.placeOf(item.value),
        );
        continue;
      }
      for (const entry of item.value.items) {
        if (!isScalar(entry) || typeof entry.value !== "string") {
          this.error(
            `each \`${name}\` item must be a string \`resource#permission@subject\``,
            this.placeOf(entry),
          );
          continue;
        }
        const pos = this.contentStart(entry);
        const parsed = this.attempt(() => parseAssertion(entry.value as string, this.place(pos)));
        if (parsed) target.push({ ...parsed, ...pos });
      }
    }
    return lists;
  }

  private validation(pair: Pair<unknown, unknown>): ExpectedRelations[] {
    const value = pair.value;
    const out: ExpectedRelations[] = [];
    if (isEmpty(value)) return out;
    if (!isMap(value)) {
      this.error(
        "`validation` must be a mapping from `resource#permission` to a list of `[subject] is <resource#relation>` strings",
        this.placeOf(value),
      );
      return out;
    }
    for (const item of value.items) {
      const key = item.key;
      if (!isScalar(key) || typeof key.value !== "string") {
        this.error("each `validation` key must be a string `resource#permission`", this.placeOf(key));
        continue;
      }
      const pos = this.contentStart(key);
      const onr = this.attempt(() =>
        parseObjectAndRelation(key.value as string, this.place(pos), "permission"),
      );
      const subjects: ExpectedSubject[] = [];
      if (!isEmpty(item.value)) {
        if (!isSeq(item.value)) {
          this.error(
            "expected a list of `[subject] is <resource#relation>` strings (or nothing)",
            this.placeOf(item.value),
          );
        } else {
          for (const entry of item.value.items) {
            if (!isScalar(entry) || typeof entry.value !== "string") {
              this.error("expected a string `[subject] is <resource#relation>`", this.placeOf(entry));
              continue;
            }
            const at = this.contentStart(entry);
            const parsed = this.attempt(() => parseExpectedSubject(entry.value as string, this.place(at)));
            if (parsed) subjects.push({ ...parsed, ...at });
          }
        }
      }
      if (onr) out.push({ resource: onr.resource, permission: onr.relation, subjects, ...pos });
    }
    return out;
  }

  // ---- positions ----

  /**
   * Maps each line of a scalar's value to where it starts in the file. Each non-blank value line
   * is looked up in the scalar's source text after the previous one, which is exact for literal
   * blocks and plain single-line scalars and finds the starting line for folded ones; blank lines
   * follow the line before them; anything not found (escapes in quoted strings) falls back to the
   * scalar's first content position.
   */
  private linePositions(node: Scalar, value: string): Position[] {
    const start = this.contentStart(node);
    const range = node.range;
    const from = this.contentOffset(node);
    const to = range ? range[1] : this.text.length;
    const source = this.text.slice(0, to);
    let cursor = from;
    let previous: Position | undefined;
    const out: Position[] = [];
    for (const line of value.split("\n")) {
      const trimmed = line.trim();
      const lead = line.length - line.trimStart().length;
      let pos: Position | undefined;
      if (trimmed === "") {
        pos = previous ? { line: previous.line + 1, column: start.column } : start;
      } else {
        let found = source.indexOf(trimmed, cursor);
        let length = trimmed.length;
        if (found < 0) {
          // Folded lines are joined with spaces: look for the first word instead.
          const word = trimmed.split(/\s+/)[0] ?? trimmed;
          found = source.indexOf(word, cursor);
          length = word.length;
        }
        if (found < 0) {
          pos = start;
        } else {
          const lp = this.lineCounter.linePos(found);
          pos = { line: lp.line, column: Math.max(1, lp.col - lead) };
          cursor = found + length;
        }
      }
      out.push(pos);
      previous = pos;
    }
    return out;
  }

  /** Offset of the first character of a scalar's content (after a block header or a quote). */
  private contentOffset(node: YamlNode): number {
    const range = node.range;
    if (!range) return 0;
    const token = isScalar(node) ? node.srcToken : undefined;
    if (token && token.type === "block-scalar") {
      let offset = token.offset;
      for (const prop of token.props) {
        if ("source" in prop) offset = prop.offset + prop.source.length;
      }
      // Skip the block's indentation on its first line.
      while (offset < this.text.length && (this.text[offset] === " " || this.text[offset] === "\t")) offset++;
      return offset;
    }
    if (isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")) return range[0] + 1;
    return range[0];
  }

  private contentStart(node: YamlNode): Position {
    const lp = this.lineCounter.linePos(this.contentOffset(node));
    return { line: lp.line, column: lp.col };
  }

  // ---- diagnostics ----

  private fileOnly(): Place {
    return this.file === undefined ? {} : { file: this.file };
  }

  private place(pos: Position): Place {
    const place: Place = { ...this.fileOnly(), line: pos.line, column: pos.column };
    const snippet = this.sourceLines[pos.line - 1];
    return snippet === undefined ? place : { ...place, snippet };
  }

  private placeAt(offset: number): Place {
    const lp = this.lineCounter.linePos(offset);
    return this.place({ line: lp.line, column: lp.col });
  }

  private placeOf(node: unknown): Place {
    if (node && typeof node === "object" && "range" in node && Array.isArray(node.range)) {
      return this.place(this.contentStart(node as YamlNode));
    }
    return this.fileOnly();
  }

  private error(message: string, place: Place): void {
    this.diagnostics.add(message, place);
  }

  private attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof GatehouseError) {
        this.diagnostics.errors.push(e);
        return undefined;
      }
      throw e;
    }
  }

  private summary(): string {
    return `invalid validation file${this.file === undefined ? "" : ` ${this.file}`}`;
  }
}

/**
 * Whether a relationship line has white space outside a caveat context (`{"k": "v"}` may hold
 * spaces): a folded block joined two relationships there.
 */
function spaceOutsideContext(line: string): boolean {
  let depth = 0;
  for (const c of line) {
    if (c === "{") depth++;
    else if (c === "}") depth = Math.max(0, depth - 1);
    else if (depth === 0 && /\s/.test(c)) return true;
  }
  return false;
}

function isEmpty(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  return isScalar(node) && (node.value === null || node.value === undefined);
}

function formatKey(r: Relationship): string {
  const s = r.subject;
  return `${r.resource.type}:${r.resource.id}#${r.relation}@${s.type}:${s.id}#${s.relation ?? ELLIPSIS}`;
}

function shift(place: Place | undefined, offset: number): Place | undefined {
  if (!place) return undefined;
  return { ...place, column: (place.column ?? 1) + offset };
}

/** `document:first#writer` */
export function parseObjectAndRelation(
  text: string,
  place?: Place,
  relationWord = "relation",
): ObjectAndRelation {
  const trimmed = text.trim();
  const p = shift(place, text.indexOf(trimmed));
  const hash = trimmed.indexOf("#");
  if (hash < 0) {
    throw new GatehouseError("input", `invalid \`${trimmed}\`: expected \`type:id#${relationWord}\``, p);
  }
  const resource = parseObject(trimmed.slice(0, hash), p, "resource");
  const relation = trimmed.slice(hash + 1);
  if (!RELATION_NAME.test(relation)) {
    throw new GatehouseError(
      "input",
      `invalid ${relationWord} name \`${relation}\` in \`${trimmed}\`: expected lowercase letters, digits and \`_\`, 3 to 64 characters`,
      shift(p, hash + 1),
    );
  }
  return { resource, relation };
}

const SUBJECT_PART = /\[(.*)\]/;
const SUBJECT_WITH_EXCLUSIONS = /^([^\]\s]+)(\[\.\.\.\])?(\s+-\s+\{([^}]+)\})?$/;
const RESOURCE_PART = /<([^>]+)>/g;

/**
 * Parses an expected-relations string: `[user:tom] is <document:first#writer>/<document:first#reader>`,
 * `[user:*] is <...>`, `[user:* - {user:bob, user:sue}] is <...>`, `[group:eng#member] is <...>`.
 */
export function parseExpectedSubject(
  text: string,
  place?: Place,
): { subject: SubjectRef; excluded: SubjectRef[]; resources: ObjectAndRelation[] } {
  const m = SUBJECT_PART.exec(text);
  if (!m || m[1] === undefined) {
    throw new GatehouseError(
      "input",
      `invalid expected subject \`${text}\`: expected \`[subject] is <resource#relation>\``,
      place,
    );
  }
  const inner = m[1];
  const innerStart = m.index + 1;
  const subjectText = inner.trim();
  const subjectPlace = shift(place, innerStart + inner.indexOf(subjectText));
  const parts = SUBJECT_WITH_EXCLUSIONS.exec(subjectText);
  if (!parts || parts[1] === undefined) {
    throw new GatehouseError(
      "input",
      `invalid subject \`[${subjectText}]\`: expected \`[type:id]\`, \`[type:id#relation]\`, \`[type:*]\` or \`[type:* - {type:id, ...}]\``,
      subjectPlace,
    );
  }
  const subject = parseSubject(parts[1], subjectPlace);
  const excluded: SubjectRef[] = [];
  if (parts[4] !== undefined) {
    if (subject.id !== WILDCARD_ID) {
      throw new GatehouseError(
        "input",
        `invalid subject \`[${subjectText}]\`: only a wildcard \`type:*\` can have exclusions`,
        subjectPlace,
      );
    }
    const listStart = subjectText.indexOf("{") + 1;
    let offset = listStart;
    for (const piece of parts[4].split(",")) {
      const name = piece.trim();
      const piecePlace = shift(subjectPlace, offset + piece.indexOf(name));
      offset += piece.length + 1;
      if (name.endsWith("[...]")) {
        throw new GatehouseError(
          "input",
          `caveated exclusion \`${name}\`: a wildcard's exclusions under a caveat are not supported by Gatehouse yet (caveated subjects are: \`[user:tom[...]]\`)`,
          piecePlace,
        );
      }
      excluded.push(parseSubject(name, piecePlace));
    }
  }
  const resources: ObjectAndRelation[] = [];
  const after = m.index + m[0].length;
  for (const r of text.slice(after).matchAll(RESOURCE_PART)) {
    const body = r[1] ?? "";
    resources.push(parseObjectAndRelation(body, shift(place, after + r.index + 1)));
  }
  return { subject, excluded, resources, ...(parts[2] !== undefined ? { caveated: true } : {}) };
}

/**
 * An assertion: a check `resource#permission@subject`, optionally `with {"param": value}` (the
 * caveat context it is checked with). A check is not a relationship: `[caveat]` has no place here.
 */
export function parseAssertion(
  text: string,
  place?: Place,
): { relationship: Relationship; context?: Readonly<Record<string, unknown>> } {
  const withAt = /\s+with\s*\{/.exec(text);
  const checkText = withAt ? text.slice(0, withAt.index) : text;
  if (checkText.includes("[")) {
    throw new GatehouseError(
      "input",
      `invalid assertion \`${text.trim()}\`: an assertion names a check, not a relationship; give its caveat context as \`with {"param": value}\``,
      shift(place, checkText.indexOf("[")),
    );
  }
  const relationship = parseRelationship(checkText, place, "permission");
  if (!withAt) return { relationship };
  const jsonStart = withAt.index + withAt[0].length - 1;
  let context: unknown;
  try {
    context = JSON.parse(text.slice(jsonStart));
  } catch (error) {
    throw new GatehouseError(
      "input",
      `invalid caveat context in assertion \`${text.trim()}\`: ${(error as Error).message}`,
      shift(place, jsonStart),
    );
  }
  return { relationship, context: context as Record<string, unknown> };
}
