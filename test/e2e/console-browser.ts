import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

/**
 * Debian's chromium driven by playwright-core for the console's browser files: playwright's own browsers are never
 * downloaded, so a machine without /usr/bin/chromium skips those files and says why.
 */
export const CHROMIUM = "/usr/bin/chromium";
export const chromiumMissing: string | false = existsSync(CHROMIUM)
  ? false
  : `Debian's chromium is not at ${CHROMIUM} (apt-get install chromium); playwright's own browsers are never downloaded`;

/** Headless, a fresh profile each launch (playwright makes a temp user-data-dir), no traffic to hosts this machine cannot reach. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/**
 * Opens `path` (a console page behind the sign-in), signs in with the operator's name and password, and waits to land
 * on `landing` (by default the home dashboard, where /console/login sends a plain sign-in).
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  operator: { name: string; password: string },
  path = "/console/login",
  landing: RegExp = /\/console$/,
): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel("Name").fill(operator.name);
  await page.getByLabel("Password").fill(operator.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(landing);
}
