// Damaged and odd input: every case ends in a named error or warning, never an exception or a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMsix } from '../../src-shared/pci-text/config-decode';
import { importDevices } from '../../src-shared/pci-text/import';
import { parseLspciText, parseSysfsConfig } from '../../src-shared/pci-text/lspci-dump';
import { printLspci } from '../../src-shared/pci-text/lspci-print';
import { fixtureBlocks, readFixture } from './fixtures';

const VIRTIO = readFixture('cap-vendor-virtio.txt');
/** The virtio-net block: device line at line 1, hex rows 00..f0 at lines 25..40. */
const NET = (fixtureBlocks(VIRTIO)[0] ?? []).join('\n');
const FS = (fixtureBlocks(VIRTIO)[1] ?? []).join('\n');

function replaceLine(text: string, lineNumber: number, replacement: string): string {
  const lines = text.split('\n');
  lines[lineNumber - 1] = replacement;
  return lines.join('\n');
}

/** A loop: 0x34 -> [40] -> [50] -> [40]. */
function loopedConfig(): Uint8Array {
  const config = new Uint8Array(256);
  config.set([0xf4, 0x1a, 0x00, 0x10], 0);
  config[0x06] = 0x10;
  config[0x34] = 0x40;
  config.set([0x09, 0x50], 0x40);
  config.set([0x05, 0x40], 0x50);
  return config;
}

describe('parseLspciText on damaged input', () => {
  it('empty input is an error', () => {
    expect(parseLspciText('')).toEqual({ devices: [], warnings: [], errors: ['the input is empty'] });
    expect(parseLspciText(' \n\t\n').errors).toEqual(['the input is empty']);
  });

  it('text with no device line is an error that says what was expected', () => {
    const result = parseLspciText('hello\nworld\n');
    expect(result.devices).toEqual([]);
    expect(result.errors).toEqual(['no device line found (expected lines like "00:03.0 Ethernet controller: ..." followed by hex rows like "00: f4 1a 00 10 ...")']);
    expect(result.warnings).toEqual([
      'line 1: ignored: not a device line, a hex dump row or an indented decode line',
      'line 2: ignored: not a device line, a hex dump row or an indented decode line',
    ]);
  });

  it('a truncated hex row leaves that device out with the line number, and keeps the next device', () => {
    const text = `${replaceLine(NET, 27, '20: 00 00 00')}\n${FS}`;
    const result = parseLspciText(text);
    expect(result.errors).toEqual(['line 27: 00:09.0: hex row 20 has 3 bytes, expected 16 (truncated line?); device left out']);
    expect(result.devices.map((d) => d.bdf)).toEqual(['00:04.0']);
  });

  it('a row with 17 bytes is an error too', () => {
    const result = parseLspciText(replaceLine(NET, 40, 'f0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'));
    expect(result.errors).toEqual(['line 40: 00:09.0: hex row f0 has 17 bytes, expected 16; device left out']);
  });

  it('a bad character in a hex row names the token', () => {
    const result = parseLspciText(replaceLine(NET, 26, '10: 61 c0 00 00 00 60 bd fe 00 00 a0 fe 00 zz 00 00'));
    expect(result.errors).toEqual(['line 26: 00:09.0: hex row 10: "zz" is not a hex byte; device left out']);
    expect(result.devices).toEqual([]);
  });

  it('a row offset that is not hexadecimal, or not a multiple of 0x10, is an error', () => {
    expect(parseLspciText(replaceLine(NET, 28, '3g: 00 00 b8 fe 84 00 00 00 00 00 00 00 0a 01 00 00')).errors).toEqual([
      'line 28: 00:09.0: hex row offset "3g" is not hexadecimal; device left out',
    ]);
    expect(parseLspciText(replaceLine(NET, 28, '38: 00 00 b8 fe 84 00 00 00 00 00 00 00 0a 01 00 00')).errors).toEqual([
      'line 28: 00:09.0: hex row offset 38 is not a multiple of 0x10; device left out',
    ]);
  });

  it('the same row twice with different bytes is an error; with the same bytes a warning', () => {
    const lines = NET.split('\n');
    const conflicting = [...lines.slice(0, 27), '20: 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 00', ...lines.slice(27)].join('\n');
    expect(parseLspciText(conflicting).errors).toEqual(['line 28: 00:09.0: hex row 20 appears twice with different bytes (lines 27 and 28); device left out']);

    const repeated = [...lines.slice(0, 27), lines[26] ?? '', ...lines.slice(27)].join('\n');
    const result = parseLspciText(repeated);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual(['line 28: 00:09.0: hex row 20 repeats line 27 with the same bytes']);
    expect(result.devices).toHaveLength(1);
  });

  it('hex rows with no device line above them are an error naming the lines', () => {
    const rows = NET.split('\n').slice(24).join('\n');
    const result = parseLspciText(rows);
    expect(result.errors).toEqual(['lines 1-16: hex dump rows with no device line (like "00:03.0 Ethernet controller: ...") above them; left out']);
  });

  it('a second dump after a blank line, without its own device line, is not merged into the first device', () => {
    const rows = NET.split('\n').slice(24).join('\n');
    const result = parseLspciText(`${NET}\n\n${rows}`);
    expect(result.devices).toHaveLength(1);
    expect(result.errors).toEqual(['lines 43-58: hex dump rows with no device line (like "00:03.0 Ethernet controller: ...") above them; left out']);
  });

  it('a hex row that lost all its bytes is an error; a col-0 line that is not row-like is only ignored', () => {
    expect(parseLspciText(replaceLine(NET, 27, '20:')).errors).toEqual(['line 27: 00:09.0: hex row 20 has 0 bytes, expected 16 (truncated line?); device left out']);
    const noted = parseLspciText(replaceLine(NET, 24, 'Note: copied from the lab machine'));
    expect(noted.errors).toEqual([]);
    expect(noted.warnings).toEqual(['line 24: ignored: not a device line, a hex dump row or an indented decode line']);
  });

  it('a badly damaged dump lists the first five problems and counts the rest', () => {
    const lines = NET.split('\n');
    const damaged = lines.map((l, i) => (i >= 24 && i < 40 ? l.slice(0, 12) : l)).join('\n');
    const { errors } = parseLspciText(damaged);
    expect(errors).toHaveLength(6);
    expect(errors[0]).toBe('line 25: 00:09.0: hex row 00 has 3 bytes, expected 16 (truncated line?); device left out');
    expect(errors[5]).toBe("00:09.0: 11 more problems in this device's hex dump");
  });

  it('a device line without hex rows is an error that says how to run lspci', () => {
    const result = parseLspciText('00:03.0 Ethernet controller: Intel Corporation 82540EM\n\tControl: I/O+\n');
    expect(result.errors).toEqual(['line 1: 00:03.0: no hex dump follows the device line (run lspci with -xxx or -xxxx); device left out']);
  });

  it('the same address twice is an error for the second block', () => {
    const result = parseLspciText(`${NET}\n${NET}`);
    expect(result.devices).toHaveLength(1);
    expect(result.errors).toEqual(['line 42: 00:09.0: the same address already appeared at line 1; device left out']);
  });

  it('a device number past 1f is an error', () => {
    const result = parseLspciText(NET.replace('00:09.0', '00:20.0'));
    expect(result.errors).toEqual(['line 1: 00:20.0: device number 20 is out of range (00-1f); device left out']);
  });

  it('an lspci -x dump (64 bytes) imports with the rest as zero and a warning that capabilities are missing', () => {
    const shortDump = NET.split('\n').slice(0, 28).join('\n');
    const result = parseLspciText(shortDump);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      'line 1: 00:09.0: hex rows 40-f0 missing (an `lspci -x` dump stops at 0x3f, so no capabilities); taken as zero',
      "line 12: 00:09.0: lspci's decode shows MSI-X at [84] but the hex dump has no MSI-X capability",
    ]);
    const [device] = result.devices;
    expect(device?.config.length).toBe(256);
    expect(device?.config.subarray(0x40).every((b) => b === 0)).toBe(true);
  });

  it('a missing row in the middle is a warning naming it', () => {
    const lines = NET.split('\n');
    const result = parseLspciText([...lines.slice(0, 29), ...lines.slice(30)].join('\n'));
    expect(result.warnings).toEqual(['line 1: 00:09.0: hex rows 50 missing; taken as zero']);
  });

  it('a row past 0xff makes a 4096-byte image, missing rows zero', () => {
    const result = parseLspciText(`${NET.trimEnd()}\n100: 01 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00`);
    expect(result.devices[0]?.config.length).toBe(4096);
    expect(result.devices[0]?.config[0x100]).toBe(1);
    expect(result.warnings).toEqual(['line 1: 00:09.0: hex rows 110-ff0 missing; taken as zero']);
  });

  it('a capability pointer loop parses, and the walk stops with a warning; lspci output shows <chain looped>', () => {
    const config = loopedConfig();
    expect(findMsix(config).warnings).toEqual(['capability chain loops: [50] points back to [40]; walk stopped']);
    const printed = printLspci({ bdf: '00:05.0', config, barSizes: [] }, { verbose: 2, hex: 0 }).split('\n');
    expect(printed.filter((l) => l.startsWith('\tCapabilities'))).toEqual([
      '\tCapabilities: [40] Vendor Specific Information: Len=00 <?>',
      '\tCapabilities: [50] MSI: Enable- Count=1/1 Maskable- 64bit-',
      '\tCapabilities: [40] <chain looped>',
    ]);
    const [device] = parseSysfsConfig(config, '0000:00:05.0').devices;
    if (!device) throw new Error('device missing');
    expect(importDevices([device]).warnings).toContain('0000:00:05.0: capability chain loops: [50] points back to [40]; walk stopped');
  });

  it('CRLF line endings read like LF', () => {
    const result = parseLspciText(NET.replaceAll('\n', '\r\n'));
    expect(result.errors).toEqual([]);
    expect(result.devices[0]?.barSizes[1]).toBe(4096);
  });

  it('a region size lspci would never print is a warning, and the size is left unknown', () => {
    const result = parseLspciText(NET.replace('[size=4K]', '[size=4Q]'));
    expect(result.warnings).toEqual(['line 9: 00:09.0: cannot read "[size=4Q]"; size ignored']);
    expect(result.devices[0]?.barSizes[1]).toBeUndefined();
  });

  it('an MSI-X decode line that contradicts the bytes is a warning', () => {
    const result = parseLspciText(NET.replace('Count=3', 'Count=4').replace('PBA: BAR=1 offset=00000800', 'PBA: BAR=1 offset=00001000'));
    expect(result.warnings).toEqual([
      "line 12: 00:09.0: lspci's MSI-X decode and the hex dump disagree (decode vs bytes): Count 4 vs 3; PBA BAR 1 00001000 vs BAR 1 00000800",
    ]);
  });

  it('over-long and binary lines are ignored with a capped list of warnings', () => {
    const junk = `${'x'.repeat(5000)}\n${Array.from({ length: 30 }, () => '\u0000\u0001\u00ff').join('\n')}\n${NET}`;
    const result = parseLspciText(junk);
    expect(result.devices).toHaveLength(1);
    expect(result.warnings[0]).toBe('line 1: ignored: longer than 1000 characters');
    expect(result.warnings).toHaveLength(11);
    expect(result.warnings.at(-1)).toBe('21 more lines ignored');
  });

  it('never throws on arbitrary text, and every device it returns has a 256 or 4096-byte image', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const result = parseLspciText(text);
        return result.devices.every((d) => d.config.length === 256 || d.config.length === 4096);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on a real dump with lines cut, dropped or duplicated', () => {
    const lines = VIRTIO.split('\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(60), fc.constantFrom('cut', 'drop', 'dup')), { maxLength: 8 }), (edits) => {
        const edited = [...lines];
        for (const [at, length, kind] of edits) {
          const line = edited[at] ?? '';
          if (kind === 'cut') edited[at] = line.slice(0, length);
          else if (kind === 'drop') edited.splice(at, 1);
          else edited.splice(at, 0, line);
        }
        const result = parseLspciText(edited.join('\n'));
        for (const device of result.devices) printLspci(device, { verbose: 3, hex: 4 });
        importDevices(result.devices);
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseSysfsConfig', () => {
  it('takes 256 and 4096-byte blobs as they are', () => {
    const blob = new Uint8Array(4096);
    blob[0] = 0x86;
    const result = parseSysfsConfig(blob, '0000:00:03.0');
    expect(result.errors).toEqual([]);
    expect(result.devices[0]?.config).toEqual(blob);
    expect(result.devices[0]?.address).toEqual({ domain: 0, bus: 0, device: 3, fn: 0 });
    expect(parseSysfsConfig(new Uint8Array(256), '00:03.0').devices).toHaveLength(1);
  });

  it('refuses other sizes with a clear error', () => {
    expect(parseSysfsConfig(new Uint8Array(100), '0000:00:03.0').errors).toEqual(['0000:00:03.0: the sysfs config blob is 100 bytes; expected 256 (PCI) or 4096 (PCI Express)']);
    expect(parseSysfsConfig(new Uint8Array(0), '0000:00:03.0').errors).toEqual(['0000:00:03.0: the sysfs config blob is empty']);
    expect(parseSysfsConfig(new Uint8Array(64), '0000:00:03.0').errors).toEqual([
      '0000:00:03.0: the sysfs config blob is 64 bytes, which is what sysfs gives a non-root reader; read it as root to get 256 or 4096 bytes',
    ]);
  });

  it('refuses an address that is not one', () => {
    expect(parseSysfsConfig(new Uint8Array(256), 'eth0').errors).toEqual(['"eth0" is not a PCI address like 0000:00:03.0']);
    expect(parseSysfsConfig(new Uint8Array(256), '00:3f.0').errors).toEqual(['00:3f.0: device number 3f is out of range (00-1f)']);
  });
});
