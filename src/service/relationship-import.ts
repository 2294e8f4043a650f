import type { DirectWriteFacts } from "../changes/direct-writes.js";
import { CheckNames } from "../model/check-names.js";
import { Diagnostics, GatehouseError, type Place } from "../model/errors.js";
import { formatRelationship, type Relationship, WILDCARD_ID } from "../model/relationship.js";
import { Slices } from "../model/turns.js";
import type { CompiledSchema } from "../schema/compiled.js";
import { validateRelationship } from "../schema/validate-relationship.js";
import type { ImportBatch, ImportRepeat } from "../store/store.js";
import { lineBlocks, type TextSource } from "./line-chunks.js";
import { plainTupleLine, readTupleLine } from "./tuple-lines.js";

/**
 * How many relationships are staged at a time: big enough that a batch's statements cost little
 * per row (PostgreSQL stages 20,000 in one statement), small enough that a batch's objects are a
 * few megabytes whatever the import's size.
 */
export const IMPORT_BATCH = 20_000;

/** Errors past this many are summarised; a broken million-line file should not print a million lines. */
const MAX_REPORTED = 20;

/**
 * One import read as it streams: every line parsed and validated against the schema where it
 * stands (with its file and line), and handed to the store in batches; the store names the lines
 * that repeat an earlier one (`staged`). After the first line that does not read or that the
 * schema refuses, the lines before it are staged (for the repeats among them) and nothing more,
 * but reading goes on so that the message names every bad line (up to `MAX_REPORTED`, the first
 * by line); `finish` then throws, and nothing is written.
 */
export class RelationshipImport {
  readonly #schema: CompiledSchema;
  readonly #file: string | undefined;
  readonly #facts: DirectWriteFacts;
  readonly #onProgress: ((done: number) => void) | undefined;
  readonly #diagnostics = new Diagnostics();
  #failures = 0;
  /** Bad lines that did not read or that the schema refuses (the others are repeats). */
  #unread = 0;
  #relationships = 0;
  /** The lines' names, each tested once: the strings of a plain line's parts are these. */
  readonly #names = new CheckNames();
  readonly #valid = new PlainShapes();
  /** The batch the store is staging, for the repeats it finds. */
  #batch: ImportBatch = { relationships: [], lines: [] };

  constructor(
    schema: CompiledSchema,
    file: string | undefined,
    facts: DirectWriteFacts,
    onProgress?: (done: number) => void,
  ) {
    this.#schema = schema;
    this.#file = file;
    this.#facts = facts;
    this.#onProgress = onProgress;
  }

  /** The input's relationships in batches, until a bad line: after it, none (see the class). */
  async *batches(source: TextSource): AsyncGenerator<ImportBatch> {
    const slices = new Slices();
    let relationships: Relationship[] = [];
    let lines: number[] = [];
    let line = 0;
    for await (const block of lineBlocks(source, this.#file ?? "the input")) {
      for (let start = 0, end = 0; start <= block.length; start = end + 1) {
        end = block.indexOf("\n", start);
        if (end < 0) end = block.length;
        line++;
        if (slices.due()) await slices.turn();
        const relationship = this.#read(block, start, end, line);
        if (this.#unread > 0) {
          // The lines before the first bad one are staged still, so that the repeats among them are named too.
          if (relationships.length > 0) yield this.#handOver(relationships, lines);
          relationships = [];
          lines = [];
          continue;
        }
        if (relationship === undefined) continue;
        relationships.push(relationship);
        lines.push(line);
        this.#facts.add(relationship);
        if (relationships.length === IMPORT_BATCH) {
          yield this.#handOver(relationships, lines);
          relationships = [];
          lines = [];
        }
      }
    }
    if (relationships.length > 0) yield this.#handOver(relationships, lines);
  }

  #handOver(relationships: Relationship[], lines: number[]): ImportBatch {
    this.#batch = { relationships, lines };
    this.#onProgress?.(this.#relationships);
    return this.#batch;
  }

  /** The store staged the batch last handed over: a relationship an earlier line named is a bad line. */
  staged(repeats: readonly ImportRepeat[]): void {
    for (const { at, firstLine } of repeats) {
      const relationship = this.#batch.relationships[at];
      if (relationship === undefined) continue;
      this.#fail(
        new GatehouseError(
          "input",
          `\`${formatRelationship(relationship)}\` appears twice (first on line ${firstLine})`,
          this.#place(this.#batch.lines[at] ?? 0),
        ),
      );
    }
  }

  /** Throws when the input was not all good (nothing is written then), or held no relationship. */
  finish(): void {
    // In line order: the repeats in the batch staged at the first bad line are found after it.
    const errors = this.#diagnostics.errors;
    errors.sort((a, b) => (a.place?.line ?? 0) - (b.place?.line ?? 0)); // every one has a line
    errors.splice(MAX_REPORTED);
    if (this.#failures > MAX_REPORTED)
      this.#diagnostics.add(`… and ${this.#failures - MAX_REPORTED} more bad lines`);
    this.#diagnostics.throwIfAny(`nothing was written: ${this.#file ?? "the input"} has bad lines`);
    if (this.#relationships === 0)
      throw new GatehouseError(
        "input",
        `${this.#file ?? "the input"} holds no relationships`,
        this.#file !== undefined ? { file: this.#file } : {},
      );
  }

  /**
   * The relationship of a line, `block[start, end)`; undefined for a blank line, a comment or a bad line (recorded). The
   * usual line (no traits) is read by `plainTupleLine` and its shape validated once (`#valid`);
   * any other, or one that path does not accept, as before.
   */
  #read(block: string, start: number, end: number, line: number): Relationship | undefined {
    const plain = plainTupleLine(block, start, end, this.#names);
    if (plain !== undefined) {
      this.#relationships++;
      if (this.#valid.has(plain)) return plain;
    }
    try {
      const relationship = plain ?? readTupleLine(block.slice(start, end), this.#file, line);
      if (relationship === undefined) return undefined;
      if (plain === undefined) this.#relationships++;
      this.#validate(relationship, line);
      if (plain !== undefined) this.#valid.add(plain);
      return relationship;
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      this.#unread++;
      this.#fail(error);
      return undefined;
    }
  }

  #validate(relationship: Relationship, line: number): void {
    try {
      validateRelationship(this.#schema, relationship);
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      // Validated again only to place the message: a place for every good line would cost every line.
      validateRelationship(this.#schema, relationship, { ...this.#place(line), column: 1 });
    }
  }

  /**
   * Keeps twice `MAX_REPORTED` bad lines as they arrive, in line order but for one step: the
   * repeats in the batch staged at the first bad line come after it, and stand before it. The
   * first `MAX_REPORTED` by line (what `finish` names) are among those kept.
   */
  #fail(error: GatehouseError): void {
    this.#failures++;
    if (this.#diagnostics.errors.length < 2 * MAX_REPORTED) this.#diagnostics.errors.push(error);
  }

  #place(line: number): Place {
    return this.#file !== undefined ? { file: this.#file, line } : { line };
  }
}

/**
 * The shapes of plain relationships (no caveat, no expiration) the schema accepted: whether it
 * accepts one depends only on its resource type, relation, subject type, subject relation and
 * whether the subject is a wildcard (see `validateRelationship`), so each shape is validated
 * once, not a line at a time. The names are `CheckNames`' strings, so the maps hash each once.
 */
class PlainShapes {
  /** resource type → relation → subject type → subject relation ('' for none, '*' for a wildcard) */
  readonly #shapes = new Map<string, Map<string, Map<string, Set<string>>>>();

  has(r: Relationship): boolean {
    return (
      this.#shapes.get(r.resource.type)?.get(r.relation)?.get(r.subject.type)?.has(subjectKey(r)) === true
    );
  }

  add(r: Relationship): void {
    const relations = entry(this.#shapes, r.resource.type, () => new Map());
    const subjects = entry(relations, r.relation, () => new Map());
    entry(subjects, r.subject.type, () => new Set<string>()).add(subjectKey(r));
  }
}

/** A subject relation is a name (`RELATION_NAME`), so neither '' nor '*' is one. */
function subjectKey(r: Relationship): string {
  return r.subject.id === WILDCARD_ID ? "*" : (r.subject.relation ?? "");
}

function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
