import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

/**
 * A real browser for the console's tests: Debian's Chromium, driven by playwright-core. Without it
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
