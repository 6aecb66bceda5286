// Dashboard bench: the built site's JavaScript and CSS (raw and gzip; goal ≤ 120 KB of JavaScript gzip in all,
// charts included), and the time to the first licenses table in Debian Chromium on the local runtime
// (DynamoDB Local, the demo account), from navigation start, signed in.
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startPortal } from '../infra/local/portal.js';
import { DEMO, seedDemo } from '../infra/local/seed.js';
import { buildSite, type Site } from '../web/build.js';

const JS_GZIP_GOAL_KB = 120;
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 9);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Raw and gzip bytes of the files whose path matches. */
function sizes(site: Site, match: (path: string) => boolean): { raw: number; gzip: number; files: number } {
  let raw = 0;
  let gzip = 0;
  let files = 0;
  for (const [path, file] of Object.entries(site)) {
    if (!match(path)) continue;
    raw += Buffer.byteLength(file.body);
    gzip += gzipSync(file.body, { level: 9 }).length;
    files++;
  }
  return { raw, gzip, files };
}

/**
 * The scripts the first page loads: app.js and the chunks it imports statically (not the lazy chunks of Reports
 * and of the administration pages).
 */
function initialScripts(site: Site): Set<string> {
  const app = site['/app.js']?.body ?? '';
  const imported = [...app.matchAll(/from\s*"\.\/(chunks\/[^"]+\.js)"/g)].map((match) => `/${match[1]}`);
  return new Set(['/app.js', ...imported]);
}

function printSizes(site: Site): void {
  const initial = initialScripts(site);
  const rows: [string, ReturnType<typeof sizes>][] = [
    [
      'JavaScript, first page (app.js + the shared chunks it imports)',
      sizes(site, (path) => initial.has(path)),
    ],
    [
      'JavaScript, loaded with Reports (uPlot, the chart)',
      sizes(site, (path) => path.startsWith('/chunks/reports-')),
    ],
    [
      'JavaScript, loaded with the administration pages (Servers, Sessions, Users, Audit)',
      sizes(site, (path) => path.startsWith('/chunks/admin-')),
    ],
    ['JavaScript, all', sizes(site, (path) => path.endsWith('.js'))],
    ['CSS (styles.css, uPlot’s included)', sizes(site, (path) => path.endsWith('.css'))],
    ['HTML (index.html)', sizes(site, (path) => path.endsWith('.html'))],
  ];
  console.log('| part | files | KB raw | KB gzip |\n|---|---|---|---|');
  for (const [name, size] of rows)
    console.log(`| ${name} | ${size.files} | ${kb(size.raw)} | ${kb(size.gzip)} |`);
  const all = rows[3]?.[1].gzip ?? 0;
  console.log(
    `JavaScript gzip in all: ${kb(all)} KB (goal ≤ ${JS_GZIP_GOAL_KB} KB: ${all <= JS_GZIP_GOAL_KB * 1024 ? 'met' : 'NOT met'})`,
  );
}

async function timeToFirstTable(site: Site): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`time to the first licenses table: skipped (no Chromium at ${CHROMIUM})`);
    return;
  }
  const portal = await startPortal({ port: 0, site });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    await seedDemo(portal.url, portal, { username: 'operator', password: 'operator' });
    const signIn = await fetch(`${portal.url}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: DEMO.admin.email, password: DEMO.admin.password }),
    });
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // A fresh context each time: no cached scripts, as on a first visit.
      const context = await browser.newContext();
      const page = await context.newPage();
      // Signed in already (the token in sessionStorage), and a watcher that notes when the first row appears.
      await page.addInitScript(
        ([token, email]) => {
          const w = globalThis as any;
          w.sessionStorage.setItem('portal.token', token);
          w.sessionStorage.setItem('portal.email', email);
          new w.MutationObserver((_: unknown, observer: any) => {
            if (w.document.querySelector('.data-table tbody tr')) {
              w.__firstTable = w.performance.now();
              observer.disconnect();
            }
          }).observe(w.document, { childList: true, subtree: true });
        },
        [accessToken, DEMO.admin.email],
      );
      await page.goto(portal.url);
      await page.locator('.data-table tbody tr').first().waitFor();
      const ms = (await page.evaluate('globalThis.__firstTable')) as number;
      // The first run warms the portal's handlers; it is not counted.
      if (run > 0) times.push(ms);
      await context.close();
    }
    console.log(
      `time to the first licenses table (navigation start → first row, signed in, ${times.length} cold page loads): median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`,
    );
  } finally {
    await browser.close();
    await portal.stop();
  }
}

export async function run(): Promise<void> {
  const started = performance.now();
  const site = await buildSite();
  console.log(`build (esbuild, minified, in memory): ${(performance.now() - started).toFixed(0)} ms`);
  printSizes(site);
  await timeToFirstTable(site);
}
