// Builds the dashboard (web/src, TypeScript + Preact + uPlot) into the files a browser loads: index.html,
// app.js with its lazily loaded chunks, and styles.css. Used by `npm start`, the CDK stack, the tests and the bench.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, type BuildResult, build, buildSync, type OutputFile } from 'esbuild';

/** The folder of this file: web/. */
export const WEB_ROOT = dirname(fileURLToPath(import.meta.url));

/** One file of the built dashboard, keyed by its URL path (`/app.js`). */
export interface SiteFile {
  contentType: string;
  body: string;
}

/** The built dashboard: URL path (leading slash) -> file. Plain data, so it crosses worker boundaries. */
export type Site = Record<string, SiteFile>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function contentTypeOf(path: string): string {
  const extension = /\.[a-z]+$/.exec(path)?.[0] ?? '';
  const type = CONTENT_TYPES[extension];
  if (!type) throw new Error(`the dashboard build made ${path}, a kind of file the site does not serve`);
  return type;
}

/** Browsers the dashboard supports: evergreen ones of the last two years (ES2022 and :has()). */
const TARGET = ['chrome115', 'firefox121', 'safari17', 'edge115'];

function options(): BuildOptions {
  return {
    entryPoints: { app: join(WEB_ROOT, 'src/main.tsx'), styles: join(WEB_ROOT, 'styles.css') },
    outdir: '/',
    bundle: true,
    // Views loaded on demand (the Reports chart) become chunks; the first licenses table needs only app.js.
    splitting: true,
    format: 'esm',
    target: TARGET,
    minify: true,
    // The charts and the view library are small enough to ship whole; no source maps in the site.
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  };
}

function siteOf(outputFiles: OutputFile[]): Site {
  const site: Site = {
    '/index.html': {
      contentType: CONTENT_TYPES['.html'] ?? '',
      body: readFileSync(join(WEB_ROOT, 'index.html'), 'utf8'),
    },
  };
  for (const file of outputFiles) {
    const path = file.path.replace(/\\/g, '/');
    site[path] = { contentType: contentTypeOf(path), body: file.text };
  }
  return site;
}

/** Builds the dashboard in memory. */
export async function buildSite(): Promise<Site> {
  const result = (await build(options())) as BuildResult & { outputFiles: OutputFile[] };
  return siteOf(result.outputFiles);
}

/** The same build, synchronously: CDK constructs cannot wait for a promise. */
export function buildSiteSync(): Site {
  const result = buildSync(options()) as BuildResult & { outputFiles: OutputFile[] };
  return siteOf(result.outputFiles);
}

/** Writes a built site into `dir` (the CDK asset folder), keeping its paths. */
export function writeSite(site: Site, dir: string): void {
  for (const [path, file] of Object.entries(site)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.body);
  }
}
