// The packaged app's fuses, flipped in a stand-in for the Electron binary: the real
// one cannot be downloaded here, but the fuse wire is a sentinel and a few bytes
// anywhere in the file, which is exactly what @electron/fuses looks for.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
// @ts-expect-error: a plain-JavaScript packaging script, without types
import afterPack, { FUSE_CONFIG, packedBinary } from '../../scripts/electron-fuses.mjs';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = FuseState.ENABLE;
const OFF = FuseState.DISABLE;

/** A binary as Electron ships it: every fuse at its default (RunAsNode on, inspect on, cookies plain, any app folder). */
function fakeElectron(dir: string, name: string): string {
  const defaults = [ON, OFF, ON, ON, OFF, OFF, OFF, ON, ON];
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL), Buffer.from([1, defaults.length, ...defaults]), Buffer.alloc(4096, 0x90)]));
  return path;
}

describe('Electron fuses for the packaged app', () => {
  it('afterPack turns off RunAsNode, NODE_OPTIONS and --inspect, and turns on cookie encryption, asar-only and its integrity check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-fuses-'));
    const binary = fakeElectron(dir, 'irqscope');
    expect(packedBinary({ appOutDir: dir, electronPlatformName: 'linux', packager: { appInfo: { productFilename: 'irqscope' }, executableName: 'irqscope' } })).toBe(binary);
    await afterPack({ appOutDir: dir, electronPlatformName: 'linux', packager: { appInfo: { productFilename: 'irqscope' }, executableName: 'irqscope' } });
    const wire = await getCurrentFuseWire(binary);
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
    // Fuses left alone keep Electron's default.
    expect(wire[FuseV1Options.WasmTrapHandlers]).toBe(ON);
  });

  it('names the binary electron-builder packs on each platform', () => {
    const ctx = (platform: string) => ({ appOutDir: '/out', electronPlatformName: platform, packager: { appInfo: { productFilename: 'irqscope' } } });
    expect(packedBinary(ctx('darwin'))).toBe('/out/irqscope.app');
    expect(packedBinary(ctx('win32'))).toBe('/out/irqscope.exe');
    expect(packedBinary(ctx('linux'))).toBe('/out/irqscope');
    expect(FUSE_CONFIG.version).toBe('1');
  });
});
