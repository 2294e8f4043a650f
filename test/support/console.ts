import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { type RunningServer, startServer } from "./server.js";

/**
 * What the console's tests share: a server with a schema, acme's relationships and two tokens,
 * and a real browser: Debian's Chromium, driven by playwright-core. Without it
 * the tests are skipped locally (`apt-get install chromium`) and fail in CI.
 */
export const CHROMIUM = "/usr/bin/chromium";
export const noChromium = !existsSync(CHROMIUM) && !process.env.CI;
export const chromiumNote = existsSync(CHROMIUM)
  ? ""
  : " (skipped: no /usr/bin/chromium; apt-get install chromium)";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page that records each Content-Security-Policy violation in `window.violations`. */
export async function watchedPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript({
    content: `window.violations = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        window.violations.push(e.effectiveDirective + " " + e.blockedURI));`,
  });
  return page;
}

export async function violations(page: Page): Promise<string[]> {
  return (await page.evaluate("window.violations")) as string[];
}

export interface ConsoleServer {
  readonly s: RunningServer;
  /** Tokens: `root` (admin) and `lead` (approve), two people. */
  readonly admin: string;
  readonly lead: string;
}

export async function startConsoleServer(
  schema: string,
  relationships: string,
  serverOptions: Parameters<typeof startServer>[1] = {},
  options: Parameters<typeof startServer>[2] = {},
): Promise<ConsoleServer> {
  const s = await startServer(":memory:", serverOptions, options);
  const admin = await s.token("root", "admin");
  const lead = await s.token("lead", "approve");
  await s.call("PUT", "/v1/schema", { token: admin, body: { schema } });
  await s.call("POST", "/v1/tenants/acme/import", { token: admin, body: { relationships } });
  return { s, admin, lead };
}
