import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumNote, launchChromium, noChromium } from "../support/console.js";
import { type RunningServer, startServer } from "../support/server.js";

/**
 * The console's plan page on a plan of 100,000 rows (issue 19: such a plan was one table): the
 * summary comes first, the rows come one page at a time, filters narrow them on the server, and
 * the export holds every row that matches. No time is asserted: the tab answering each step
 * (rows shown per page, paging, filtering) is what shows that it stays responsive.
 */
const MEMBERS = 100_000;
const SHOTS = process.env.CONSOLE_SHOTS ?? "/tmp";

describe.skipIf(noChromium)(`console plan page${chromiumNote}`, () => {
  let s: RunningServer;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let id: number;
  let conditionalId: number;

  beforeAll(async () => {
    s = await startServer(":memory:");
    admin = await s.token("root", "admin");
    await s.gatehouse.writeSchema(
      "use expiration\ncaveat on_level(level int, min int) {\n  level >= min\n}\ndefinition user {}\ndefinition group {\n  relation member: user\n}\ndefinition document {\n  relation viewer: user | group#member | user with on_level | user with expiration\n  permission view = viewer\n}",
    );
    const lines = Array.from({ length: MEMBERS }, (_, i) => `group:all#member@user:u${i}`);
    lines.push("document:old#viewer@user:u1", "document:old#viewer@user:u2");
    await s.gatehouse.importRelationships("acme", lines.join("\n"));
    // One relationship gives the whole group a document: 100,000 gained rows; two are lost.
    const proposed = await s.call("POST", "/v1/tenants/acme/changes", {
      token: admin,
      body: {
        file: "intent: migration\nreason: the handbook is for everyone\nwrite:\n  - document:handbook#viewer@group:all#member\ndelete:\n  - document:old#viewer@user:u1\n  - document:old#viewer@user:u2\n",
      },
    });
    id = proposed.body.id as number;
    expect((await s.call("POST", `/v1/changes/${id}/plan`, { token: admin })).status).toBe(200);
    // A small plan over caveated and expiring grants in another tenant: its rows say how.
    const conditional = await s.call("POST", "/v1/tenants/beta/changes", {
      token: admin,
      body: {
        file: 'intent: grant\nreason: memo readers\nwrite:\n  - document:memo#viewer@user:bob[on_level:{"min":2}]\n  - document:memo#viewer@user:cy[expiration:2300-01-01T00:00:00Z]\n',
      },
    });
    conditionalId = conditional.body.id as number;
    expect((await s.call("POST", `/v1/changes/${conditionalId}/plan`, { token: admin })).status).toBe(200);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await page.goto(`${s.url}/console`);
    await page.fill("#token", admin);
    await page.dispatchEvent("#token", "change");
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const status = () => page.textContent("#plan .page-status");
  const rowsShown = () => page.locator("#plan .plan-rows tbody tr").count();

  it("summarises before it lists, and shows one page of rows", async () => {
    await page.click("nav button[data-tab=changes]");
    await page.click(`#changes-table a:text("${id}")`);
    await page.locator("#plan .page-status", { hasText: "Rows 1\u2013100" }).waitFor();
    const summary = await page.textContent("#plan table.summary");
    expect(summary).toContain("acme");
    expect(summary).toContain("document");
    expect(summary).toContain("100,000");
    expect(await page.textContent("#plan .plan-browser h4")).toBe("Summary: 2 lost, 100,000 gained");
    expect(await status()).toBe("Rows 1\u2013100 of 100,002 matching");
    expect(await rowsShown()).toBe(100);
    // Lost rows come first: a loss is what a reviewer reads first.
    expect(await page.textContent("#plan .plan-rows tbody tr:first-child")).toContain("lost");
    await page.screenshot({ path: `${SHOTS}/console-plan-100k.png`, fullPage: false });
  });

  it("pages forward, to the end and back", async () => {
    await page.click("#plan button[aria-label='next page']");
    await page.locator("#plan .page-status", { hasText: "Rows 101\u2013200" }).waitFor();
    expect(await rowsShown()).toBe(100);
    expect(await page.textContent("#plan .page-of")).toBe("page 2 of 1,001");
    await page.click("#plan button[aria-label='last page']");
    await page.locator("#plan .page-status", { hasText: "Rows 100,001\u2013100,002" }).waitFor();
    expect(await rowsShown()).toBe(2);
    expect(await page.isDisabled("#plan button[aria-label='next page']")).toBe(true);
    await page.click("#plan button[aria-label='first page']");
    await page.locator("#plan .page-status", { hasText: "Rows 1\u2013100 " }).waitFor();
    expect(await page.isDisabled("#plan button[aria-label='previous page']")).toBe(true);
    await page.selectOption("#plan select[name=size]", "500");
    await page.locator("#plan .page-status", { hasText: "Rows 1\u2013500 " }).waitFor();
    expect(await rowsShown()).toBe(500);
    await page.selectOption("#plan select[name=size]", "100");
    await page.locator("#plan .page-status", { hasText: "Rows 1\u2013100 " }).waitFor();
  });

  it("filters by subject text and by gained or lost", async () => {
    await page.fill("#plan input[name=subject]", "user:u4242");
    // u4242 and u42420 to u42429.
    await page.locator("#plan .page-status", { hasText: "of 11 matching" }).waitFor();
    expect(await rowsShown()).toBe(11);
    expect(await status()).toBe("Rows 1\u201311 of 11 matching (100,002 in the plan)");
    await page.selectOption("#plan select[name=change]", "lost");
    await page.locator("#plan .page-status", { hasText: "No rows match" }).waitFor();
    await page.fill("#plan input[name=subject]", "");
    await page.locator("#plan .page-status", { hasText: "of 2 matching" }).waitFor();
    expect(await page.textContent("#plan .plan-rows tbody")).toContain("document:old");
    await page.selectOption("#plan select[name=change]", "");
    await page.fill("#plan input[name=resource]", "handbook");
    await page.locator("#plan .page-status", { hasText: "of 100,000 matching" }).waitFor();
    await page.screenshot({ path: `${SHOTS}/console-plan-filtered.png` });
  });

  it("lists the userset subjects' rows apart", async () => {
    await page.fill("#plan input[name=resource]", "");
    await page.selectOption("#plan select[name=usersets]", "true");
    await page.locator("#plan .page-status", { hasText: "of 1 matching" }).waitFor();
    expect(await page.textContent("#plan .plan-rows tbody")).toContain("group:all#member");
    await page.selectOption("#plan select[name=usersets]", "");
    await page.locator("#plan .page-status", { hasText: "of 100,002 matching" }).waitFor();
  });

  it("narrows to a summary line", async () => {
    await page.click("#plan table.summary button:text('Rows')");
    await page.locator("#plan .scope", { hasText: "Narrowed to tenant acme, document resources" }).waitFor();
    expect(await page.inputValue("#plan input[name=permission]")).toBe("view");
    await page.locator("#plan .page-status", { hasText: "matching" }).waitFor();
  });

  it("exports every row that matches as CSV", async () => {
    await page.fill("#plan input[name=subject]", "user:u99");
    await page.locator("#plan .page-status", { hasText: "of 1,111 matching" }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#plan button:text('Export CSV')"),
    ]);
    expect(download.suggestedFilename()).toBe(`change-${id}-plan.csv`);
    const csv = readFileSync((await download.path())!, "utf8")
      .trimEnd()
      .split("\r\n");
    expect(csv[0]).toBe("change,tenant,resource,permission,subject,except");
    // Every match, not one page: u99, u990-u999, u9900-u9999, u99000-u99999.
    expect(csv.length).toBe(1 + 1_111);
    expect(csv).toContain("gained,acme,document:handbook,view,user:u99999,");
  });

  it("shows on conditional rows which caveat, with which context, and until when", async () => {
    await page.fill("#tenant", "beta");
    await page.click("nav button[data-tab=changes]");
    await page.click("#changes-form button[type=submit]");
    await page.click(`#changes-table a:text("${conditionalId}")`);
    await page.locator("#plan .page-status", { hasText: "of 2 matching" }).waitFor();
    const rows = await page.textContent("#plan .plan-rows tbody");
    expect(rows).toContain('only under on_level {"min":2} (missing level)');
    expect(rows).toContain("until 2300-01-01T00:00:00Z");
  });
});
