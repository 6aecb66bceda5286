// The esbuild settings of every Lambda bundle, shared by the stack (NodejsFunction) and the bundle bench.

/** Node major the functions run on in Lambda (nodejs24.x, the latest Lambda runtime cdk-nag L1 asks for). */
export const NODE_TARGET = 'node24';

/**
 * ESM bundles need `require` for the few CommonJS modules the AWS SDK still pulls in; this banner gives them one.
 * Names are prefixed so that they cannot clash with bundled identifiers.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __portalCreateRequire } from 'node:module'; const require = __portalCreateRequire(import.meta.url);";

/** Prefer the ES module builds of dependencies: they tree-shake, the CommonJS ones do not. */
export const MAIN_FIELDS = ['module', 'main'];
