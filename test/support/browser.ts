// The browser side of the dashboard tests: Debian Chromium through playwright-core, tabs that record requests
// leaving the origin and script errors, signing in, and the checks every page and state gets (axe-core with no
// serious or critical violation, no sideways scrolling, a screenshot in test-artifacts/dashboard/, gitignored).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every page, kept after the run (gitignored). */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A tab that records what should never happen: requests leaving the origin and script errors. */
export interface Watched extends Page {
  failures: string[];
}

/** A signed-in person of a test account. */
export interface Person {
  email: string;
  password: string;
}

/** One Chromium for a test file, on a portal at `origin`. */
export interface BrowserKit {
  context: BrowserContext;
  /** A fresh tab (its own sessionStorage, so signed out) at `width` px. */
  newPage(width?: number): Promise<Watched>;
  /** A fresh tab signed in as `user`, on the Licenses page. */
  signedIn(user: Person, width?: number): Promise<Watched>;
  close(): Promise<void>;
}

/** Starts Chromium (never `npx playwright install`: Debian's chromium, from scripts/install-system-deps.sh). */
export async function startBrowser(origin: string): Promise<BrowserKit> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: npm test installs it (bash scripts/install-system-deps.sh test); never npx playwright install.`,
    );
  }
  await mkdir(ARTIFACTS, { recursive: true });
  const profileDir = await mkdtemp(join(tmpdir(), 'dashboard-e2e-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(10_000);

  const newPage = async (width = 1280): Promise<Watched> => {
    const page = (await context.newPage()) as Watched;
    await page.setViewportSize({ width, height: 860 });
    page.failures = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:'))
        page.failures.push(url);
    });
    page.on('pageerror', (error) => page.failures.push(`page error: ${error.message}`));
    return page;
  };

  return {
    context,
    newPage,
    async signedIn(user, width = 1280) {
      const page = await newPage(width);
      await page.goto(origin);
      await signInOn(page, user);
      return page;
    },
    async close() {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

/** Fills the sign-in form and waits for the Licenses page. */
export async function signInOn(page: Page, user: Person) {
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Licenses', level: 1 }).waitFor();
}

/** Serious and critical axe-core violations on the page as it is now, as "rule: target" lines. */
async function axeViolations(page: Page): Promise<string[]> {
  const defined = await page.evaluate('typeof window.axe');
  if (defined === 'undefined') await page.evaluate(await AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (globalThis as any).axe;
    const result = await axe.run((globalThis as any).document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation: any) => violation.impact === 'serious' || violation.impact === 'critical')
      .flatMap((violation: any) =>
        violation.nodes.map((node: any) => `${violation.id}: ${node.target.join(' ')} (${violation.help})`),
      );
  });
}

/** Whether the page scrolls sideways (wider than its viewport). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  ) as Promise<boolean>;
}

/** The checks every page and state gets: axe clean, no sideways scrolling, a screenshot. */
export async function checkPage(page: Page, name: string) {
  const width = page.viewportSize()?.width ?? 0;
  expect(await axeViolations(page), `axe on ${name} at ${width} px`).toEqual([]);
  expect(await scrollsSideways(page), `${name} at ${width} px scrolls sideways`).toBe(false);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
}
