import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumNote, launchChromium, noChromium, startConsoleServer } from "../support/console.js";
import type { RunningServer } from "../support/server.js";

/**
 * The console's change panel shows the change's state after each action and offers only the
 * actions that state allows (issue 19: after Apply it still said "Ready to apply", and an applied
 * purge offered Apply and Revert).
 */
describe.skipIf(noChromium)(`console change panel${chromiumNote}`, () => {
  const DAY = 86_400_000;
  let clock = Date.parse("2026-03-01T00:00:00Z");
  let exportDir: string;
  let s: RunningServer;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let lead: string;

  beforeAll(async () => {
    exportDir = mkdtempSync(join(tmpdir(), "gatehouse-console-"));
    ({ s, admin, lead } = await startConsoleServer(
      "definition user {}\ndefinition document {\n  relation viewer: user\n  permission view = viewer\n}",
      "document:plan#viewer@user:ann\ndocument:spec#viewer@user:gus",
      { exportDir },
      { now: () => new Date(clock) },
    ));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${s.url}/console`);
    await page.fill("#token", admin);
    await page.dispatchEvent("#token", "change");
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    rmSync(exportDir, { recursive: true, force: true });
  });

  const openChange = async (id: number) => {
    await page.click("nav button[data-tab=why]");
    await page.click("nav button[data-tab=changes]");
    await page.click(`#changes-table a:text("${id}")`);
  };
  // The change's actions (the plan's own controls, pages and export, are not actions on it).
  const buttons = async () => (await page.locator("#plan .actions button").allTextContents()).sort();

  it("shows an applied change as applied, with Revert only, and a revert's result", async () => {
    const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
      token: admin,
      body: { file: "intent: grant\nreason: cat joins\nwrite:\n  - document:plan#viewer@user:cat\n" },
    });
    const id = proposed.body.id as number;
    await openChange(id);
    await page.click("text=Plan it");
    await page.waitForSelector("#plan .ready");
    await page.click("#plan button:text('Apply')");
    await page.locator("#plan h3", { hasText: "applied at revision" }).waitFor();
    const applied = await page.textContent("#plan");
    expect(applied).not.toContain("Ready to apply");
    expect(applied).not.toContain("planned at revision");
    expect(await buttons()).toEqual(["Revert"]);

    // Taking cat's access away again needs a second person: the revert is a new change, blocked.
    await page.click("#plan button:text('Revert')");
    // The revert asks first, and takes a reason.
    await page.fill("#confirm-reason", "cat should not have joined");
    await page.click("#confirm-ok");
    // The Apply's notice is still there until the revert's result replaces it: wait for that one.
    await page.locator("#plan .notice", { hasText: /change \d+/ }).waitFor();
    const notice = await page.textContent("#plan .notice");
    const revert = (await s.call("GET", `/v1/changes?tenant=acme`, { token: admin })).body.changes[0];
    expect(revert.revertOf).toBe(id);
    expect(notice).toContain(`change ${revert.id}`);
    expect(notice).toContain("blocked");
    expect(await page.textContent("#plan h3")).toContain("applied at revision");

    // Approved by another person and applied, the revert leaves the original reverted.
    await page.fill("#token", lead);
    await page.dispatchEvent("#token", "change");
    await openChange(revert.id);
    await page.click("#plan button:text('Approve')");
    await page.waitForSelector("#plan .ready");
    await page.fill("#token", admin);
    await page.dispatchEvent("#token", "change");
    await page.click("#plan button:text('Apply')");
    await page.locator("#plan h3", { hasText: "applied at revision" }).waitFor();
    await openChange(id);
    await page.locator("#plan h3", { hasText: `reverted by change ${revert.id}` }).waitFor();
    expect(await buttons()).toEqual([]);
  });

  it("offers nothing for an applied purge, which cannot be undone", async () => {
    const approveAndApply = async (id: number) => {
      const planned = await s.call("POST", `/v1/changes/${id}/plan`, { token: admin });
      expect(planned.status).toBe(200);
      if (planned.body.blocked) {
        const approved = await s.call("POST", `/v1/changes/${id}/approve`, {
          token: lead,
          body: { plan: planned.body.planId },
        });
        expect(approved.status).toBe(200);
      }
      expect((await s.call("POST", `/v1/changes/${id}/apply`, { token: admin })).status).toBe(200);
    };
    const deletion = await s.call("POST", "/v1/tenants/acme/subjects/delete", {
      token: admin,
      body: { subject: "user:gus" },
    });
    await approveAndApply(deletion.body.id);
    clock += 31 * DAY;
    const purge = await s.call("POST", "/v1/tenants/acme/subjects/purge", {
      token: admin,
      body: { subject: "user:gus" },
    });
    expect(purge.status).toBe(200);
    await approveAndApply(purge.body.id);
    await openChange(purge.body.id);
    await page.locator("#plan h3", { hasText: `Change ${purge.body.id} (purge) \u2014 applied` }).waitFor();
    expect(await page.textContent("#plan h3")).not.toMatch(/null|undefined/);
    expect(await page.textContent("#plan")).not.toContain("Ready to apply");
    expect(await page.textContent("#plan")).toContain("cannot be undone");
    expect(await buttons()).toEqual([]);
  });
});
