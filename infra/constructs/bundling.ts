// The esbuild settings of every Lambda bundle, shared by the stack (NodejsFunction), the bundle test and the bench.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** Node major the functions run on in Lambda (nodejs24.x, the latest Lambda runtime cdk-nag L1 asks for). */
export const NODE_TARGET = 'node24';

/**
 * ESM bundles need `require` for the few CommonJS modules the AWS SDK still pulls in; this banner gives them one.
 * The name is prefixed so that it cannot clash with bundled identifiers.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __portalCreateRequire } from 'node:module'; const require = __portalCreateRequire(import.meta.url);";

/** Prefer the ES module builds of dependencies: they tree-shake, the CommonJS ones do not. */
export const MAIN_FIELDS = ['module', 'main'];

/** Module replacements in the bundles: Lambda's environment-variable credentials instead of the SDK's full chain. */
export const BUNDLE_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': join(dirname(fileURLToPath(import.meta.url)), 'lambda-credentials.ts'),
};

/** What NodejsFunction runs for one entry, as esbuild API options (the bench and the bundle test use these). */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    // Nothing external: the AWS SDK is bundled and tree-shaken, as in the stack.
    external: [],
    alias: BUNDLE_ALIASES,
    metafile: true,
    logLevel: 'silent',
  };
}
