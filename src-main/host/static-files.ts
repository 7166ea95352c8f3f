// Serves the built renderer from one folder; a path that resolves outside it is not found.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export type StaticFile = { ok: true; body: Buffer; type: string } | { ok: false; status: 404 };

/** `relative` is the URL path below the served root, already percent-decoded. */
export async function readStatic(root: string, relative: string): Promise<StaticFile> {
  const wanted = relative === '' || relative.endsWith('/') ? `${relative}index.html` : relative;
  const full = normalize(join(root, wanted));
  if (!full.startsWith(normalize(root) + sep)) return { ok: false, status: 404 };
  try {
    return { ok: true, body: await readFile(full), type: TYPES[extname(full)] ?? 'application/octet-stream' };
  } catch {
    return { ok: false, status: 404 };
  }
}
