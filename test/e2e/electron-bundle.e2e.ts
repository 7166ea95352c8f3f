// The built Electron main process (out/main/index.js, as `npm start` runs it) starts
// against a stub of Electron's API: one window with the sandboxed, isolated settings,
// the app page loaded, the CSP and permission hooks, the menu, and one IPC handler
// per request of the contract. The runtime binary cannot be downloaded here; this is
// the closest check of the shipped bundle itself.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUEST_NAMES, requestChannel } from '../../src-shared/ipc/names';
import { ROOT } from './harness';

interface Report {
  what: string;
  detail?: unknown;
}

function startBuiltMain(): Report[] {
  const run = spawnSync(process.execPath, ['-r', join(__dirname, 'electron-stub/register.cjs'), join(ROOT, 'out/main/index.js')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.status !== 0) throw new Error(`the built main process failed: ${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Report);
}

describe('the built Electron main process', () => {
  it('opens one hardened window on the app page and handles every request of the contract', () => {
    const reports = startBuiltMain();
    const of = (what: string) => reports.filter((r) => r.what === what);
    expect(of('window')).toHaveLength(1);
    expect(of('window')[0]!.detail).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String((of('window')[0]!.detail as { preload: string }).preload)).toMatch(/out[\\/]preload[\\/]index\.js$/);
    // The renderer on the app's own scheme, never file://.
    expect(of('load')[0]!.detail).toBe('irqscope-app://app/index.html');
    expect(of('privileged-schemes')[0]!.detail).toEqual([{ scheme: 'irqscope-app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(of('protocol-handler').map((r) => r.detail)).toEqual(['irqscope-app']);
    expect(of('window-open')[0]!.detail).toBe('deny');
    expect(of('contents-on').map((r) => r.detail)).toEqual(expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']));
    expect(of('csp-hook')).toHaveLength(1);
    expect(of('permission-handler')).toHaveLength(1);
    expect(of('menu')[0]!.detail).toEqual(expect.arrayContaining(['File', 'View']));
    expect([...(of('channels')[0]!.detail as string[])].sort()).toEqual(REQUEST_NAMES.map(requestChannel).sort());
  });
});
