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

  it('--session and --script, as irqscope web takes them, go to the app after -- as absolute paths from where npm was run', () => {
    const bin = mkdtempSync(join(tmpdir(), 'irqscope-start-'));
    const fake = join(bin, 'electron-vite');
    writeFileSync(fake, '#!/bin/sh\necho "electron-vite $*"\n');
    chmodSync(fake, 0o755);
    writeFileSync(join(bin, 'up.qtest'), 'outl 0xcf8 0x80001804\n');
    writeFileSync(join(bin, 'saved.irqsession'), 'x');
    const env = { ELECTRON_EXEC_PATH: process.execPath, PATH: `${bin}:${process.env.PATH ?? ''}`, INIT_CWD: bin };
    const r = start(env, ['--noSandbox', '--session', 'saved.irqsession', '--script=up.qtest']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`electron-vite preview --noSandbox -- --session ${join(bin, 'saved.irqsession')} --script ${join(bin, 'up.qtest')}`);
    const missing = start(env, ['--script', 'nope.qtest']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`irqscope: --script nope.qtest: no such file (looked in ${bin})`);
    expect(missing.stdout).toBe('');
    const empty = start(env, ['--session']);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('--session: expected a file after it');
  });
});
