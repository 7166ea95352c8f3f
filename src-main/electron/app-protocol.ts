// The renderer is served through a privileged custom scheme, irqscope-app://app/,
// rather than file:// (the Electron security checklist's advice): a file:// page may
// read any local file its URL can name, a page on our own scheme reaches only the
// built renderer folder, with the CSP and nosniff on every response.
import type { Protocol } from 'electron';
import { readStatic } from '../host/static-files';
import { CONTENT_SECURITY_POLICY } from '../host/content-security-policy';

export const APP_SCHEME = 'irqscope-app';
export const APP_HOST = 'app';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Before the app is ready: a standard, secure scheme, so the page has an origin and fetch works. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Answers one request for the scheme from `rendererDir`; anything outside it, or another host, is not found. */
export async function serveAppRequest(rendererDir: string, request: Request): Promise<Response> {
  const url = new URL(request.url);
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname.slice(1));
  } catch {
    return new Response('bad path', { status: 400 });
  }
  const file = url.host === APP_HOST ? await readStatic(rendererDir, relative) : ({ ok: false } as const);
  if (!file.ok) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  return new Response(new Uint8Array(file.body), {
    headers: { 'content-type': file.type, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
  });
}

/** Once the app is ready: the scheme's handler. */
export function serveRenderer(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request));
}
