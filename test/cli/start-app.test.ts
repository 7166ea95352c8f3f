// `npm start` (scripts/start-app.mjs): without the Electron runtime it explains
// instead of electron-vite's bare "Error: Electron uninstall"; with it, it hands over.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dirname, '../../scripts/start-app.mjs');

function start(env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('npm start', () => {
  it('without the Electron runtime says what is missing, how to get it, and that irqscope web runs the app', () => {
    const r = start({ ELECTRON_EXEC_PATH: '/nonexistent/electron' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the Electron runtime is not installed');
    expect(r.stderr).toContain('node node_modules/electron/install.js');
    expect(r.stderr).toContain('npx irqscope web');
    expect(r.stderr).not.toContain('Electron uninstall');
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const old = major < 22 || (major === 22 && minor < 12);
    expect(r.stderr.includes('needs Node >= 22.12')).toBe(old);
  });

  it('with the runtime present hands over to electron-vite preview with the arguments given', () => {
    const bin = mkdtempSync(join(tmpdir(), 'irqscope-start-'));
    const fake = join(bin, 'electron-vite');
    writeFileSync(fake, '#!/bin/sh\necho "electron-vite $*"\n');
    chmodSync(fake, 0o755);
    const r = start({ ELECTRON_EXEC_PATH: process.execPath, PATH: `${bin}:${process.env.PATH ?? ''}` }, ['--noSandbox']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('electron-vite preview --noSandbox');
    expect(r.status).toBe(0);
  });
});
