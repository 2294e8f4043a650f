import type { ExplainNode } from "../engine/explain.js";
import { GatehouseError } from "../model/errors.js";

/** Where a command's results go; `--json` switches every command to one JSON document. */
export interface Output {
  readonly json: boolean;
  /** Prints a result: `human` for people, `data` for `--json`. */
  result(human: string | (() => string), data: unknown): void;
  /** Progress and notes for people, on stderr, only when stderr is a terminal. */
  progress(text: string): void;
  doneProgress(): void;
}

export function createOutput(json: boolean): Output {
  let progressShown = false;
  return {
    json,
    result(human, data) {
      if (json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      else {
        const text = typeof human === "function" ? human() : human;
        if (text !== "") process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      }
    },
    progress(text) {
      if (!process.stderr.isTTY) return;
      process.stderr.write(`\r\x1b[2K${text}`);
      progressShown = true;
    },
    doneProgress() {
      if (progressShown) process.stderr.write("\r\x1b[2K");
      progressShown = false;
    },
  };
}

export function formatError(error: unknown, json: boolean): string {
  if (error instanceof GatehouseError) {
    if (json) {
      const one = (e: GatehouseError) => ({
        kind: e.kind,
        message: e.message,
        ...(e.place ? { place: e.place } : {}),
      });
      return JSON.stringify(
        {
          error: {
            ...one(error),
            details: error.details.map(one),
            ...(error.facts ? { facts: error.facts } : {}),
          },
        },
        null,
        2,
      );
    }
    const lines = [`error: ${error.describe()}`];
    for (const detail of error.details) lines.push(`  ${detail.describe().replaceAll("\n", "\n  ")}`);
    return lines.join("\n");
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return json
    ? JSON.stringify({ error: { kind: "internal", message: "internal error", detail: message } }, null, 2)
    : `internal error (a bug in gatehouse; please report it):\n${message}`;
}

const MARK = { true: "✓", false: "✗" } as const;

/** An explain tree as an indented proof, one step a line. */
export function formatExplain(node: ExplainNode, indent = ""): string {
  const via = node.relationship ? `  [${node.relationship}]` : "";
  const lines = [`${indent}${MARK[node.result ? "true" : "false"]} ${node.label}${via}`];
  for (const child of node.children) lines.push(formatExplain(child, `${indent}  `));
  return lines.join("\n");
}
