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
 * The web console in a real browser (Debian's Chromium, driven by playwright-core): ask why a
 * subject has or lacks a permission, review a blocked plan, approve as a second person, apply,
 * and read the audit trail.
 */
describe.skipIf(noChromium)(`web console${chromiumNote}`, () => {
  let s: RunningServer;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let lead: string;
  // Whatever the page's own code or the browser reports while the tests below use the console.
  const pageErrors: string[] = [];
  const cspMessages: string[] = [];

  beforeAll(async () => {
    ({ s, admin, lead } = await startConsoleServer(
      "definition user {}\ndefinition document {\n  relation viewer: user\n  relation banned: user\n  permission view = viewer - banned\n}",
      "document:plan#viewer@user:ann\ndocument:plan#viewer@user:bob\ndocument:plan#banned@user:bob",
    ));
    browser = await launchChromium();
    page = await watchedPage(browser);
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text()))
        cspMessages.push(message.text());
    });
    await page.goto(`${s.url}/console`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const useToken = async (token: string) => {
    await page.fill("#token", token);
    await page.dispatchEvent("#token", "change");
  };

  it("answers why a subject does not have a permission, with the proof", async () => {
    await useToken(admin);
    await page.fill("input[name=subject]", "user:bob");
    await page.fill("input[name=permission]", "view");
    await page.fill("input[name=resource]", "document:plan");
    await page.click("#check-form button");
    await page.waitForSelector("#tree:not([hidden])");
    expect(await page.textContent("#answer")).toContain("user:bob does not have view on document:plan");
    expect(await page.textContent("#tree")).toContain("document:plan#banned@user:bob");
  });

  it("shows a blocked plan, takes a second person's approval, and applies", async () => {
    const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
      token: admin,
      body: { file: "intent: revoke\nreason: ann leaves\ndelete:\n  - document:plan#viewer@user:ann\n" },
    });
    const id = proposed.body.id as number;
    await page.click("nav button[data-tab=changes]");
    await page.waitForSelector(`#changes-table a:text("${id}")`);
    await page.click(`#changes-table a:text("${id}")`);
    await page.click("text=Plan it");
    await page.waitForSelector(".blocked");
    expect(await page.textContent("#plan")).toContain("user:ann");
    await useToken(lead);
    await page.click("#plan button:text('Approve')");
    await page.waitForSelector(".ready");
    await useToken(admin);
    await page.click("#plan button:text('Apply')");
    await page.locator("#changes-table td", { hasText: "applied" }).first().waitFor();
    const check = await s.call("POST", "/v1/tenants/acme/check", {
      token: admin,
      body: { resource: "document:plan", permission: "view", subject: "user:ann" },
    });
    expect(check.body.allowed).toBe(false);
  });

  it("shows what a subject deletion takes away above its access lists", async () => {
    await page.click("nav button[data-tab=why]");
    const proposed = await s.call("POST", "/v1/tenants/acme/subjects/delete", {
      token: admin,
      body: { subject: "document:plan" },
    });
    const id = proposed.body.id as number;
    await page.click("nav button[data-tab=changes]");
    await page.waitForSelector(`#changes-table a:text("${id}")`);
    await page.click(`#changes-table a:text("${id}")`);
    await page.click("text=Plan it");
    // bob is banned, so the deletion takes nobody's access: it is ready without approval.
    await page.waitForSelector(".ready");
    const text = await page.textContent("#plan");
    expect(text).toContain("Deletion of document:plan: 2 relationship(s)");
    expect(text).toContain("document#viewer: 1 user subject(s)");
    expect(text).toContain("nobody else loses access");
  });

  it("shows the shadow report and the staged rollout, and rolls the rollout back", async () => {
    const schema =
      "definition user {}\ndefinition document {\n  relation viewer: user\n  relation banned: user\n  permission view = viewer\n}\n";
    const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
      token: admin,
      body: {
        file: `intent: model\nreason: banned users may view again\nschema: |\n${schema.replace(/^/gm, "  ")}`,
      },
    });
    const id = proposed.body.id as number;
    const planned = await s.call("POST", `/v1/changes/${id}/plan`, { token: admin });
    expect(planned.status).toBe(200);
    // It widens `document#view` (bob may view again): a rollout needs another person's approval.
    const reviewer = await s.token("console-reviewer", "approve");
    const approved = await s.call("POST", `/v1/changes/${id}/approve`, {
      token: reviewer,
      body: { plan: planned.body.planId },
    });
    expect(approved.status).toBe(200);
    await page.click("nav button[data-tab=rollout]");
    await page.locator("#shadow-report", { hasText: "No shadow evaluation has run yet" }).waitFor();
    expect(await page.textContent("#error")).toBe("");
    const started = await s.call("POST", "/v1/shadow/start", {
      token: admin,
      body: { change: id, reason: "try it" },
    });
    expect(started.status).toBe(200);
    const check = await s.call("POST", "/v1/tenants/acme/check", {
      token: admin,
      body: { resource: "document:plan", permission: "view", subject: "user:bob" },
    });
    expect(check.body.allowed).toBe(false);
    const rollout = await s.call("POST", "/v1/rollout/start", {
      token: admin,
      body: { changeId: id, tenants: ["acme"] },
    });
    expect(rollout.status).toBe(200);
    await page.click("#rollout-form button");
    await page.locator("#shadow-report", { hasText: "1 would be let in" }).waitFor();
    const report = await page.textContent("#shadow-report");
    expect(report).toContain(`change ${id}`);
    expect(report).toContain("user:bob");
    expect(report).toContain("document:plan");
    expect(await page.textContent("#rollout-status")).toContain("Answered by the candidate now: acme");
    await useToken(lead);
    await page.click("#rollout-status button:text('Roll back')");
    // The roll back asks first, and takes a reason.
    await page.fill("#confirm-reason", "bans must hold");
    await page.click("#confirm-ok");
    await page.locator("#rollout-status", { hasText: "rolled_back" }).waitFor();
    expect(await page.textContent("#rollout-status")).toContain("bans must hold");
    await useToken(admin);
  });

  it("reads the audit trail", async () => {
    await page.click("nav button[data-tab=audit]");
    await page.waitForSelector("#audit-table td:text('change.apply')");
    expect(await page.textContent("#audit-table")).toContain("lead");
  });

  it("shows server errors as text, never as markup", async () => {
    await page.click("nav button[data-tab=why]");
    await page.fill("input[name=resource]", "document:<img src=x onerror=alert(1)>");
    await page.click("#check-form button");
    await page.locator("#error", { hasText: /\S/ }).waitFor();
    expect(await page.locator("#error img").count()).toBe(0);
  });

  it("is served as files under a Content-Security-Policy without 'unsafe-inline'", async () => {
    const html = await fetch(`${s.url}/console`);
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = html.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    const markup = await html.text();
    expect(markup).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    const script = await fetch(`${s.url}/console/app/main.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const css = await fetch(`${s.url}/console/console.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    // Only the files the build wrote: nothing beside or above them.
    for (const path of [
      "app/missing.js",
      "app/../../server/server.js",
      "app/%2e%2e/%2e%2e/cli/main.js",
      "../index.js",
    ]) {
      const response = await fetch(`${s.url}/console/${path}`);
      expect(response.status, path).toBe(404);
    }
  });

  it("ran every step above with no Content-Security-Policy violation and no script error", async () => {
    expect(await violations(page)).toEqual([]);
    expect(cspMessages).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("would see a violation: the policy refuses inline script and inline style", async () => {
    const other = await watchedPage(browser);
    try {
      await other.goto(`${s.url}/console`);
      await other.evaluate(`{
          const script = document.createElement("script");
          script.textContent = "window.inlineRan = true";
          document.body.append(script);
          document.body.setAttribute("style", "color: red");
        }`);
      await other.waitForFunction("window.violations.length >= 2");
      const seen = await violations(other);
      expect(seen.some((v) => v.startsWith("script-src"))).toBe(true);
      expect(seen.some((v) => v.startsWith("style-src"))).toBe(true);
      expect(await other.evaluate("window.inlineRan === undefined")).toBe(true);
    } finally {
      await other.close();
    }
  });
});
