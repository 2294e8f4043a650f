import { GatehouseError } from "../model/errors.js";
import { redactSecrets } from "../model/secrets.js";

/** Where a command's results go; `--json` switches every command to one JSON document. */
export interface Output {
  readonly json: boolean;
  /** Prints a result: `human` for people, `data` for `--json`. */
  result(human: string | (() => string), data: unknown): void;
  /** Progress and notes for people, on stderr, only when stderr is a terminal. */
  progress(text: string): void;
  doneProgress(): void;
}

/**
 * Control characters a terminal acts on: C0 but tab and newline (ESC starts every escape
 * sequence; CR rewrites a line), DEL, C1 (CSI and OSC in one byte), and the bidirectional
 * overrides that make a line read other than it is.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
/** The same, as they can still appear in `JSON.stringify`'s output (it escapes C0 already). */
const JSON_CONTROLS = /[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, "0");

/**
 * Text as the CLI may print it: control characters escaped visibly (ESC becomes `\x1b`), so
 * that an id or a file's content can never move the cursor, retitle the window or hide what
 * follows; store passwords (and token secrets, unless `tokens: false`) redacted. Every CLI
 * output path goes through here: results, notes, progress and errors.
 */
export function forTerminal(text: string, options: { tokens?: boolean } = {}): string {
  return redactSecrets(text, options).replace(CONTROLS, (c) =>
    c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`,
  );
}

/** A JSON document as the CLI prints it: still the same JSON, with no raw control left. */
export function jsonForTerminal(data: unknown, options: { tokens?: boolean } = {}): string {
  return redactSecrets(JSON.stringify(data, null, 2), options).replace(
    JSON_CONTROLS,
    (c) => `\\u${hex(c, 4)}`,
  );
}

/** A line for people on stderr (the `serve` banner, warnings), made safe as `forTerminal` does. */
export function note(text: string): void {
  process.stderr.write(`${forTerminal(text)}\n`);
}

export function createOutput(json: boolean): Output {
  let progressShown = false;
  return {
    json,
    // Results keep token secrets: showing one is the point of `token create`.
    result(human, data) {
      if (json) process.stdout.write(`${jsonForTerminal(data, { tokens: false })}\n`);
      else {
        const text = forTerminal(typeof human === "function" ? human() : human, { tokens: false });
        if (text !== "") process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      }
    },
    progress(text) {
      if (!process.stderr.isTTY) return;
      process.stderr.write(`\r\x1b[2K${forTerminal(text)}`);
      progressShown = true;
    },
    doneProgress() {
      if (progressShown) process.stderr.write("\r\x1b[2K");
      progressShown = false;
    },
  };
}

/** An error as the CLI prints it: its message and place, escaped and redacted (see `forTerminal`). */
export function formatError(error: unknown, json: boolean): string {
  return json ? formatErrorText(error, true) : forTerminal(formatErrorText(error, false));
}

function formatErrorText(error: unknown, json: boolean): string {
  if (error instanceof GatehouseError) {
    if (json) {
      const one = (e: GatehouseError) => ({
        kind: e.kind,
        message: e.message,
        ...(e.place ? { place: e.place } : {}),
      });
      return jsonForTerminal({
        error: {
          ...one(error),
          details: error.details.map(one),
          ...(error.facts ? { facts: error.facts } : {}),
        },
      });
    }
    const lines = [`error: ${error.describe()}`];
    for (const detail of error.details) lines.push(`  ${detail.describe().replaceAll("\n", "\n  ")}`);
    return lines.join("\n");
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return json
    ? jsonForTerminal({ error: { kind: "internal", message: "internal error", detail: message } })
    : `internal error (a bug in gatehouse; please report it):\n${message}`;
}

const MARK = { true: "✓", false: "✗" } as const;

/** A step of an explain tree, as the engine builds it and as the HTTP API sends it. */
interface ExplainStep {
  readonly label: string;
  readonly result: boolean;
  readonly relationship?: string | undefined;
  readonly children: readonly ExplainStep[];
}

/**
 * An explain tree as `--json` prints it: its keys in one order (the view's), whether the engine
 * built it here or a server's serialiser sent it, so that both modes print the same document.
 */
export function explainJson<T extends ExplainStep & { readonly step: string }>(node: T): unknown {
  return {
    step: node.step,
    label: node.label,
    result: node.result,
    ...(node.relationship !== undefined ? { relationship: node.relationship } : {}),
    children: node.children.map((child) => explainJson(child as T)),
  };
}

/** An explain tree as an indented proof, one step a line. */
export function formatExplain(node: ExplainStep, indent = ""): string {
  const via = node.relationship ? `  [${node.relationship}]` : "";
  const lines = [`${indent}${MARK[node.result ? "true" : "false"]} ${node.label}${via}`];
  for (const child of node.children) lines.push(formatExplain(child, `${indent}  `));
  return lines.join("\n");
}
