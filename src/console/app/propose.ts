import { api, tenant } from "./api.js";
import { showChange } from "./change-page.js";
import { loadChanges } from "./changes.js";
import { alreadyShown, byId, el, onSubmit } from "./dom.js";
import type { ChangeFileCheckView, ChangeSummaryView } from "./responses.js";
import { showTab } from "./tabs.js";

/**
 * Proposing a change from the console: a change-file editor checked as it is typed
 * (`POST /v1/tenants/:tenant/changes/check`, which writes nothing), with every problem placed
 * at its line and column, and Propose once it is clean.
 */

/** Typing pauses this long before the file is checked again. */
const TYPING_PAUSE_MS = 300;

type Problem = ChangeFileCheckView["problems"][number];

const form = byId("propose-form", HTMLFormElement);
const editor = byId("change-file", HTMLTextAreaElement);
const gutter = byId("change-gutter", HTMLElement);
const verdict = byId("change-check", HTMLElement);
const problemList = byId("change-problems", HTMLOListElement);

/** Puts the caret at a 1-based line and column of the file. */
function goTo(line: number, column: number): void {
  const lines = editor.value.split("\n");
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
  offset += Math.max(0, Math.min(column - 1, (lines[line - 1] ?? "").length));
  editor.focus();
  editor.setSelectionRange(offset, offset);
}

function drawGutter(bad: ReadonlySet<number>): void {
  const lines = editor.value.split("\n").length;
  gutter.replaceChildren(
    ...Array.from({ length: lines }, (_, i) =>
      el("div", bad.has(i + 1) ? { class: "bad" } : {}, String(i + 1)),
    ),
  );
  gutter.scrollTop = editor.scrollTop;
}

function problemItem(p: Problem): HTMLElement {
  if (p.line === null) return el("li", {}, p.field ? `${p.field}: ${p.message}` : p.message);
  const column = p.column ?? 1;
  const source = editor.value.split("\n")[p.line - 1] ?? "";
  return el(
    "li",
    {},
    el(
      "button",
      {
        attrs: { type: "button", "aria-label": `go to line ${p.line}, column ${column}` },
        onclick: () => goTo(p.line!, column),
      },
      `${p.line}:${column}`,
    ),
    p.message,
    el("pre", { attrs: { "aria-hidden": "true" } }, `${source}\n${" ".repeat(column - 1)}^`),
  );
}

let asked = 0;

async function check(): Promise<ChangeFileCheckView | undefined> {
  const mine = ++asked;
  const answer = await api<ChangeFileCheckView>("POST", `/v1/tenants/${tenant()}/changes/check`, {
    file: editor.value,
  });
  // A newer text was sent while this one was out: its answer is the one to show.
  if (mine !== asked) return undefined;
  editor.setAttribute("aria-invalid", String(!answer.ok));
  drawGutter(new Set(answer.problems.map((p) => p.line).filter((l): l is number => l !== null)));
  problemList.replaceChildren(...answer.problems.map(problemItem));
  const what = [
    answer.writes && `${answer.writes} write(s)`,
    answer.deletes && `${answer.deletes} delete(s)`,
    answer.deleteWhere && `${answer.deleteWhere} delete_where filter(s)`,
    answer.schema && "a new schema",
  ].filter(Boolean);
  verdict.replaceChildren(
    answer.ok
      ? el(
          "p",
          { class: "ok-line" },
          `\u2713 valid: a ${answer.intent} change for tenant ${answer.tenant}` +
            (what.length ? ` with ${what.join(", ")}` : ""),
        )
      : el(
          "p",
          { class: "no" },
          `${answer.problems.length} problem(s); nothing can be proposed until they are fixed`,
        ),
  );
  return answer;
}

export function setUpPropose(): void {
  let pause: ReturnType<typeof setTimeout> | undefined;
  editor.addEventListener("input", () => {
    drawGutter(new Set());
    clearTimeout(pause);
    pause = setTimeout(() => check().catch(alreadyShown), TYPING_PAUSE_MS);
  });
  editor.addEventListener("scroll", () => {
    gutter.scrollTop = editor.scrollTop;
  });
  drawGutter(new Set());
  onSubmit(form, async () => {
    const checked = await check();
    if (checked && !checked.ok) return;
    const proposed = await api<ChangeSummaryView>("POST", `/v1/tenants/${tenant()}/changes`, {
      file: editor.value,
    });
    showTab("changes");
    await loadChanges();
    await showChange(
      proposed.id,
      el(
        "div",
        { class: "notice", attrs: { role: "status" } },
        `Proposed as change ${proposed.id}: plan it to see who gains and who loses access.`,
      ),
    );
  });
}

/** Checks the file as it stands when the page is shown. */
export async function checkOnShow(): Promise<void> {
  await check();
}
