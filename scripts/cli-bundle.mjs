// The CLI runs as one built JavaScript file (out/cli/main.mjs and a chunk per command) so that it starts about as
// fast as Node itself; compiling the TypeScript at every start cost ~1.2 s. `npm install` builds
// it (the `prepare` script); the bin rebuilds it when a source is newer, so an edit is never run
// stale.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'out', 'cli');
export const CLI_BUNDLE = join(OUT_DIR, 'main.mjs');
const SOURCE_DIRS = ['src-main', 'src-shared'].map((d) => join(ROOT, d));

function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function bundleMtime() {
  try {
    return statSync(CLI_BUNDLE).mtimeMs;
  } catch {
    return -1;
  }
}

export async function buildCli() {
  // A rebuild names its chunks anew; the old ones must not pile up.
  rmSync(OUT_DIR, { recursive: true, force: true });
  // Loaded only when a build is needed: importing esbuild costs a third of the start time.
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(ROOT, 'src-main', 'cli', 'main.ts')],
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // One chunk per command, as main.ts loads them.
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Pure-JS packages are bundled too (loading zod as ~80 ES modules cost a tenth of the start);
    // ws keeps its optional native add-ons as node_modules imports.
    external: ['ws', 'electron'],
    // The sources use both module worlds' path idioms (__dirname and import.meta.url).
    banner: {
      js: "import { fileURLToPath as __irqscopeFileUrl } from 'node:url'; import { dirname as __irqscopeDirname } from 'node:path'; const __filename = __irqscopeFileUrl(import.meta.url); const __dirname = __irqscopeDirname(__filename);",
    },
    // Less text for V8 to parse at every start; identifiers keep their names for stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  return CLI_BUNDLE;
}

/** The bundle's path, rebuilt first when missing or older than any source file. */
export async function ensureCliBuilt() {
  const built = bundleMtime();
  const newest = Math.max(...SOURCE_DIRS.map(newestSourceMtime), statSync(join(ROOT, 'package.json')).mtimeMs);
  if (built < newest) await buildCli();
  return CLI_BUNDLE;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
