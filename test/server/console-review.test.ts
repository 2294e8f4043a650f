import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chromiumNote,
  launchChromium,
  noChromium,
  startConsoleServer,
  violations,
  watchedPage,
} from "../support/console.js";
import type { RunningServer } from "../support/server.js";

/**
 * The console as a reviewer works in it (issue 19): "Why (not)?" in a sentence, lookups, a
 * change proposed from an editor that checks it as it is typed, Revert and Withdraw that ask
 * first and take a reason, results shown in console words, a model change's schema diff beside
 * its plan, the decision log, an incident report, the audit trail verified, the tenants. Each
 * page is also photographed (CONSOLE_SHOTS, default /tmp) for a person to look at.
 */
const SHOTS = process.env.CONSOLE_SHOTS ?? "/tmp";
const SCHEMA =
  "definition user {}\ndefinition group {\n  relation member: user\n}\ndefinition document {\n  relation viewer: user | group#member\n  relation banned: user\n  permission view = viewer - banned\n}";

describe.skipIf(noChromium)(`console for reviewers${chromiumNote}`, () => {
  let s: RunningServer;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let lead: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ s, admin, lead } = await startConsoleServer(
      SCHEMA,
      "document:postmortem#viewer@user:bob\ndocument:postmortem#banned@user:bob\ndocument:postmortem#viewer@group:eng#member\ngroup:eng#member@user:ann",
    ));
    browser = await launchChromium();
    page = await watchedPage(browser);
    await page.setViewportSize({ width: 1280, height: 900 });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${s.url}/console`);
    await useToken(admin);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function useToken(token: string): Promise<void> {
    await page.fill("#token", token);
    await page.dispatchEvent("#token", "change");
  }
  const tab = (name: string) => page.click(`nav button[data-tab=${name}]`);
  const ask = async (subject: string, resource: string) => {
    await page.fill("#check-form input[name=subject]", subject);
    await page.fill("#check-form input[name=permission]", "view");
    await page.fill("#check-form input[name=resource]", resource);
    await page.click("#check-form button");
  };
  const propose = async (file: string) => {
    const answer = await s.call("POST", "/v1/tenants/acme/changes", { token: admin, body: { file } });
    expect(answer.status).toBe(200);
    return answer.body.id as number;
  };
  const openChange = async (id: number) => {
    await tab("changes");
    await page.click(`#changes-table a:text-is("${id}")`);
    await page.locator("#plan h3", { hasText: `Change ${id} ` }).waitFor();
  };
  const actions = async () => (await page.locator("#plan .actions button").allTextContents()).sort();

  it("answers why (not) in a sentence first, then the proof", async () => {
    await tab("why");
    await ask("user:bob", "document:postmortem");
    await page.locator("#answer .verdict", { hasText: "denied" }).waitFor();
    expect(await page.textContent("#answer .verdict")).toBe(
      "denied: user:bob is banned from document:postmortem (document:postmortem#banned@user:bob)",
    );
    expect(await page.isVisible("#tree")).toBe(true);
    await page.screenshot({ path: `${SHOTS}/console-why-denied.png` });

    await ask("user:ann", "document:postmortem");
    await page.locator("#answer .verdict", { hasText: "allowed" }).waitFor();
    expect(await page.textContent("#answer .verdict")).toBe(
      "allowed: user:ann has view on document:postmortem through document:postmortem#viewer@group:eng#member, then group:eng#member@user:ann",
    );

    await ask("user:zed", "document:postmortem");
    await page.locator("#answer .verdict", { hasText: "nothing gives" }).waitFor();
    expect(await page.textContent("#answer .verdict")).toBe(
      "denied: nothing gives user:zed view on document:postmortem (none of: viewer)",
    );
  });

  it("says that a tenant or a resource is unknown instead of showing a tree of nothing", async () => {
    await ask("user:ann", "document:nope");
    await page.locator("#answer .verdict", { hasText: "does not exist" }).waitFor();
    expect(await page.textContent("#answer .verdict")).toContain(
      "document:nope does not exist in tenant acme (no relationship names it)",
    );
    expect(await page.isVisible("#tree")).toBe(false);
    expect(await page.textContent("#answer")).not.toContain("unknown object");

    await page.fill("#tenant", "nowhere");
    await ask("user:ann", "document:postmortem");
    await page.locator("#answer .verdict", { hasText: "tenant nowhere does not exist" }).waitFor();
    expect(await page.textContent("#answer")).toContain("Tenants: acme.");
    expect(await page.isVisible("#tree")).toBe(false);
    // A token limited to acme is refused another tenant; it is not told that it does not exist.
    await useToken(await s.token("acme-checker", "check", ["acme"]));
    await ask("user:ann", "document:postmortem");
    await page.locator("#error", { hasText: "forbidden" }).waitFor();
    expect(await page.textContent("#answer")).toBe("");
    await useToken(admin);
    await page.fill("#tenant", "acme");
  });

  it("looks up who can and what can", async () => {
    await tab("lookups");
    await page.fill("#who-form input[name=resource]", "document:postmortem");
    await page.click("#who-form button");
    await page.locator("#lookup-result", { hasText: "Who can view document:postmortem: 1" }).waitFor();
    // bob is a viewer but banned: only ann can.
    expect(await page.locator("#lookup-result li").allTextContents()).toEqual(["user:ann"]);
    await page.fill("#what-form input[name=subject]", "user:ann");
    await page.click("#what-form button");
    await page.locator("#lookup-result", { hasText: "What user:ann can view: 1" }).waitFor();
    expect(await page.locator("#lookup-result li").allTextContents()).toEqual(["document:postmortem"]);
  });

  it("browses the tenant's relationships by resource, relation and subject", async () => {
    await tab("relationships");
    await page.fill("#relationships-form input[name=resource]", "document:postmortem");
    await page.fill("#relationships-form input[name=relation]", "viewer");
    await page.click("#relationships-form button");
    await page.locator("#relationships-result", { hasText: "2 relationship(s) at revision" }).waitFor();
    expect(await page.locator("#relationships-result tbody td:first-child").allTextContents()).toEqual([
      "document:postmortem#viewer@group:eng#member",
      "document:postmortem#viewer@user:bob",
    ]);
    await page.screenshot({ path: `${SHOTS}/console-relationships.png` });
  });

  it("checks a change file as it is typed, placing each problem, and proposes it", async () => {
    await tab("propose");
    await page.locator("#change-check", { hasText: "valid" }).waitFor();
    const broken = "intent: grant\nreason: cy joins\nwrite:\n  - document:postmortem#editor@user:cy\n";
    await page.fill("#change-file", broken);
    await page.locator("#change-check", { hasText: "1 problem(s)" }).waitFor();
    const problem = await page.textContent("#change-problems li");
    expect(problem).toMatch(/^4:\d+/);
    expect(problem).toContain("editor");
    expect(await page.getAttribute("#change-file", "aria-invalid")).toBe("true");
    expect(await page.locator("#change-gutter .bad").allTextContents()).toEqual(["4"]);
    await page.screenshot({ path: `${SHOTS}/console-propose-problem.png` });
    // The place is a button: it puts the caret on the line.
    await page.click("#change-problems li button");
    const caretLine = await page.evaluate(
      `(() => { const t = document.getElementById("change-file"); return t.value.slice(0, t.selectionStart).split("\\n").length; })()`,
    );
    expect(caretLine).toBe(4);

    await page.fill("#change-file", broken.replace("#editor@", "#viewer@"));
    await page
      .locator("#change-check", { hasText: "valid: a grant change for tenant acme with 1 write(s)" })
      .waitFor();
    expect(await page.locator("#change-problems li").count()).toBe(0);
    await page.click("#propose-submit");
    await page.locator("#plan .notice", { hasText: "Proposed as change" }).waitFor();
    const id = Number((await page.textContent("#plan .notice"))!.match(/change (\d+)/)![1]);
    const stored = await s.call("GET", `/v1/changes/${id}`, { token: admin });
    expect(stored.body.reason).toBe("cy joins");
    expect(stored.body.author).toBe("root");
  });

  it("withdraws only after confirmation, with the reason sent to the API", async () => {
    const id = await propose(
      "intent: grant\nreason: dee joins\nwrite:\n  - document:postmortem#viewer@user:dee\n",
    );
    await openChange(id);
    expect(await actions()).toEqual(["Plan it", "Reject", "Withdraw"]);
    await page.click("#plan .actions button:text('Withdraw')");
    await page.locator("#confirm[open]").waitFor();
    expect(await page.textContent("#confirm-title")).toBe(`Withdraw change ${id}?`);
    await page.screenshot({ path: `${SHOTS}/console-withdraw-confirm.png` });
    // An empty reason is refused by the dialog; Cancel sends nothing.
    await page.click("#confirm-ok");
    expect(await page.isVisible("#confirm")).toBe(true);
    await page.click("#confirm-cancel");
    expect((await s.call("GET", `/v1/changes/${id}`, { token: admin })).body.state).toBe("proposed");

    await page.click("#plan .actions button:text('Withdraw')");
    await page.fill("#confirm-reason", "dee joins next quarter");
    await page.click("#confirm-ok");
    await page.locator("#plan .notice", { hasText: "withdrawn" }).waitFor();
    expect(await page.textContent("#plan .notice")).toBe(`Change ${id} is withdrawn: dee joins next quarter`);
    expect(await page.textContent("#plan h3")).toContain("withdrawn");
    expect(await actions()).toEqual([]);
    const history = (await s.call("GET", `/v1/changes/${id}`, { token: admin })).body.history;
    expect(history.at(-1)).toMatchObject({ action: "change.withdraw", reason: "dee joins next quarter" });
  });

  it("reverts after confirmation: the revert change, whether it is blocked, in console words", async () => {
    const id = await propose(
      "intent: grant\nreason: eve joins\nwrite:\n  - document:postmortem#viewer@user:eve\n",
    );
    await openChange(id);
    await page.click("#plan .actions button:text('Plan it')");
    await page.locator("#plan .notice", { hasText: "Planned at revision" }).waitFor();
    expect(await page.textContent("#plan .notice")).toContain("0 lost, 1 gained; ready to apply");
    await page.click("#plan .actions button:text('Apply')");
    await page.locator("#plan .notice", { hasText: "Applied at revision" }).waitFor();
    expect(await actions()).toEqual(["Revert"]);

    await page.click("#plan .actions button:text('Revert')");
    await page.fill("#confirm-reason", "eve was added by mistake");
    await page.click("#confirm-ok");
    await page.locator("#plan .notice", { hasText: "The revert is change" }).waitFor();
    const notice = (await page.textContent("#plan .notice"))!;
    const revertId = Number(notice.match(/The revert is change (\d+)/)![1]);
    expect(notice).toContain("It is blocked");
    // The API says `gatehouse change approve N --as NAME`; the console says what to do here.
    expect(notice).toContain(`Approve on change ${revertId}'s page`);
    expect(await page.textContent("#plan")).not.toMatch(/gatehouse |--as|--plan/);
    await page.screenshot({ path: `${SHOTS}/console-revert-result.png` });
    // The original is not offered a second revert: it points to the one under way.
    expect(await actions()).toEqual([]);
    expect(await page.textContent("#plan .ended")).toContain(`a revert is under way as change ${revertId}`);
    const revert = (await s.call("GET", `/v1/changes/${revertId}`, { token: admin })).body;
    expect(revert.revertOf).toBe(id);
    expect(revert.reason).toContain("eve was added by mistake");

    // Its author may not approve it; another person sees Approve naming the plan.
    await page.click(`#plan .notice a:text("Open change ${revertId}")`);
    await page.locator("#plan h3", { hasText: `Change ${revertId} ` }).waitFor();
    expect(await actions()).toEqual(["Plan again", "Reject", "Withdraw"]);
    await useToken(lead);
    await page.locator("#plan .actions button", { hasText: "Approve plan" }).waitFor();
    const planId = revert.plan.planId as string;
    expect(await actions()).toEqual([`Approve plan ${planId}`, "Plan again", "Reject"]);
    await page.click("#plan .actions button:text('Approve plan')");
    await page.locator("#plan .notice", { hasText: `Approved plan ${planId}` }).waitFor();
    await useToken(admin);
    await page.locator("#plan .actions button:text('Apply')").waitFor();
    await page.click("#plan .actions button:text('Apply')");
    await page.locator("#plan .notice", { hasText: "Applied at revision" }).waitFor();
    await openChange(id);
    expect(await page.textContent("#plan h3")).toContain(`reverted by change ${revertId}`);
  });

  it("shows a model change's schema diff beside its plan", async () => {
    const schema = SCHEMA.replace("permission view = viewer - banned", "permission view = viewer");
    const id = await propose(
      `intent: model\nreason: bans are lifted\nschema: |\n${schema.replace(/^/gm, "  ")}\n`,
    );
    expect((await s.call("POST", `/v1/changes/${id}/plan`, { token: admin })).status).toBe(200);
    await openChange(id);
    await page.locator("#plan .beside .schema-diff").waitFor();
    expect(await page.locator("#plan .diff-removed").allTextContents()).toEqual([
      "-   permission view = viewer - banned",
    ]);
    expect(await page.locator("#plan .diff-added").allTextContents()).toEqual([
      "+   permission view = viewer",
    ]);
    expect(await page.textContent("#plan .schema-diff h4")).toContain("1 line(s) added, 1 removed");
    // Beside it, the plan: bob gains view.
    expect(await page.textContent("#plan .beside .plan-rows")).toContain("user:bob");
    await page.screenshot({ path: `${SHOTS}/console-model-diff.png`, fullPage: true });
    await page.click("#plan .actions button:text('Withdraw')");
    await page.fill("#confirm-reason", "not now");
    await page.click("#confirm-ok");
    await page.locator("#plan .notice", { hasText: "withdrawn" }).waitFor();
  });

  it("searches the decision log", async () => {
    for (const subject of ["user:bob", "user:ann"])
      await s.call("POST", "/v1/tenants/acme/check", {
        token: admin,
        body: { resource: "document:postmortem", permission: "view", subject },
      });
    await s.gatehouse.decisionLog?.flush();
    await tab("decisions");
    await page.fill("#decisions-form input[name=subject]", "user:bob");
    await page.selectOption("#decisions-form select[name=result]", "denied");
    await page.click("#decisions-form button");
    await page.locator("#decisions-result", { hasText: "recorded check(s)" }).waitFor();
    expect(await page.textContent("#decisions-result p")).toBe("1 recorded check(s).");
    expect(await page.textContent("#decisions-result tbody")).toContain("user:bob");
    expect(await page.textContent("#decisions-result tbody")).toContain("denied");
    await page.screenshot({ path: `${SHOTS}/console-decisions.png` });
  });

  it("shows the incident report of a change", async () => {
    const id = await propose(
      "intent: grant\nreason: fay joins\nwrite:\n  - document:postmortem#viewer@user:fay\n",
    );
    expect((await s.call("POST", `/v1/changes/${id}/plan`, { token: admin })).status).toBe(200);
    expect((await s.call("POST", `/v1/changes/${id}/apply`, { token: admin })).status).toBe(200);
    await s.call("POST", "/v1/tenants/acme/check", {
      token: admin,
      body: { resource: "document:postmortem", permission: "view", subject: "user:fay" },
    });
    await s.gatehouse.decisionLog?.flush();
    await tab("incident");
    await page.fill("#incident-form input[name=change]", String(id));
    await page.click("#incident-form button");
    await page.locator("#incident-result", { hasText: `Change ${id} (grant) by root: fay joins` }).waitFor();
    const text = await page.textContent("#incident-result");
    expect(text).toContain("Tenant acme: 1 gained, 0 lost, 1 used, 0 denied");
    expect(text).toContain("user:fay");
    await page.screenshot({ path: `${SHOTS}/console-incident.png` });
  });

  it("verifies the audit trail", async () => {
    await tab("audit");
    await page.click("#audit-verify");
    await page.locator("#audit-verdict", { hasText: "intact" }).waitFor();
    expect(await page.textContent("#audit-verdict")).toMatch(
      /The audit trail is intact: \d+ record\(s\) checked/,
    );
    await page.screenshot({ path: `${SHOTS}/console-audit.png` });
  });

  it("lists the tenants, and one chosen becomes the tenant of every page", async () => {
    await s.gatehouse.importRelationships("globex", "document:plan#viewer@user:gil");
    await tab("tenants");
    await page.locator("#tenant-list button", { hasText: "globex" }).waitFor();
    expect(await page.locator("#tenant-list button").allTextContents()).toEqual(["acme", "globex"]);
    await page.click("#tenant-list button:text('globex')");
    expect(await page.inputValue("#tenant")).toBe("globex");
    await page.locator("#changes.active").waitFor();
    // A token limited to a tenant hears of its own only.
    const limited = await s.token("acme-only", "check", ["acme"]);
    expect((await s.call("GET", "/v1/tenants", { token: limited })).body.tenants).toEqual(["acme"]);
    await page.fill("#tenant", "acme");
  });

  it("works from 400 px wide: nothing cut off, nothing wider than the window", async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    for (const name of ["why", "relationships", "changes", "propose", "decisions", "audit"]) {
      await tab(name);
      const overflow = await page.evaluate("document.documentElement.scrollWidth");
      expect(overflow, name).toBeLessThanOrEqual(400);
      for (const box of await page.locator("header h1, header nav button, header input").all()) {
        const b = (await box.boundingBox())!;
        expect(b.x, name).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width, name).toBeLessThanOrEqual(400);
      }
      await page.screenshot({ path: `${SHOTS}/console-400-${name}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("is usable from the keyboard, with focus shown and controls named", async () => {
    // A fresh page: the token is kept for the tab's session.
    await page.reload();
    await page.keyboard.press("Tab");
    const focused = () => page.evaluate("document.activeElement.textContent");
    expect(await focused()).toBe("Skip to the page");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    // The second tab of the header (Lookups), reached by keyboard, opens by Enter and shows its focus.
    expect(await focused()).toBe("Lookups");
    const outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle");
    expect(outline).not.toBe("none");
    await page.keyboard.press("Enter");
    await page.locator("#lookups.active").waitFor();
    expect(await page.getAttribute("nav button[data-tab=lookups]", "aria-current")).toBe("page");
    // Every control has a name a screen reader can say.
    const unnamed = await page.evaluate(`[...document.querySelectorAll("input, select, textarea, button")]
      .filter((c) => !c.closest("dialog"))
      .filter((c) => !(c.getAttribute("aria-label") ?? c.labels?.[0]?.textContent ?? c.textContent)?.trim())
      .map((c) => c.outerHTML)`);
    expect(unnamed).toEqual([]);
  });

  it("ran every step with no Content-Security-Policy violation and no script error", async () => {
    expect(await violations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
