import { describe, expect, it } from 'vitest';
import { parseLspciText, type LspciDevice } from '../../src-shared/pci-text/lspci-dump';
import { hexDumpLines, printLspci, printLspciDevices } from '../../src-shared/pci-text/lspci-print';
import { FIXTURES, fixtureBlocks, hexRows, readFixture } from './fixtures';

describe('lspci hex dump round trip', () => {
  for (const file of FIXTURES) {
    const text = readFixture(file);
    const blocks = fixtureBlocks(text);

    it(`${file}: every device parses without errors`, () => {
      const parsed = parseLspciText(text);
      expect(parsed.errors).toEqual([]);
      expect(parsed.devices.map((d) => d.bdf)).toEqual(blocks.map((b) => (b[0] ?? '').split(' ')[0]));
    });

    blocks.forEach((block, i) => {
      const expected = hexRows(block);
      it(`${file} device ${i} (${block[0]?.split(' ')[0]}): the printed hex dump equals lspci's byte for byte`, () => {
        const device = parseLspciText(text).devices[i];
        if (!device) throw new Error('device missing');
        const level = expected.length > 16 ? 4 : 3;
        const printedRows = hexRows(printLspci(device, { verbose: 0, hex: level }).split('\n'));
        expect(printedRows).toEqual(expected);
        expect(device.config.length).toBe(expected.length * 16);
      });
    });
  }

  for (const verbose of [1, 3] as const) {
    it(`what irqscope prints with -${'v'.repeat(verbose)} parses back to the same bytes, sizes and virtual BARs`, () => {
      for (const file of FIXTURES) {
        const devices = parseLspciText(readFixture(file)).devices;
        const again = parseLspciText(printLspciDevices(devices, { verbose, hex: 4 }));
        // Only -vv numbers regions; -v cannot say which zero BAR register a [virtual] line belongs to.
        const virtualLost = verbose === 1 && file === 'cap-ea-1.txt';
        expect(again.errors, file).toEqual([]);
        expect(again.warnings, file).toEqual(
          virtualLost ? ['line 4: 0002:01:00.0: lspci -v does not number regions, so the BARs of its [virtual] lines are unknown; their sizes are ignored'] : [],
        );
        const facts = (d: LspciDevice) => [d.bdf, d.config, virtualLost ? [] : d.barSizes, virtualLost ? [] : d.virtualBars, d.romSize];
        expect(again.devices.map(facts), file).toEqual(devices.map(facts));
      }
    });
  }

  it('-v region lines are numbered by counting the non-zero BAR registers', () => {
    const devices = parseLspciText(readFixture('cap-vendor-virtio.txt')).devices;
    const again = parseLspciText(printLspciDevices(devices, { verbose: 1, hex: 3 }));
    expect(again.devices.map((d) => d.barSizes)).toEqual([
      [32, 4096, 512 * 1024, undefined, undefined, undefined],
      [16 * 1024, undefined, 1024 ** 3, undefined, undefined, undefined],
    ]);
    const oneLineTooMany = printLspciDevices(devices.slice(0, 1), { verbose: 1, hex: 3 }).replace('\tExpansion', '\tMemory at 1000 (32-bit, non-prefetchable)\n\tExpansion');
    const mismatched = parseLspciText(oneLineTooMany);
    expect(mismatched.warnings).toEqual(['line 4: 00:09.0: 4 unnumbered region lines (lspci -v) but 3 BARs in the hex dump; their sizes are ignored']);
    expect(mismatched.devices[0]?.barSizes.every((s) => s === undefined)).toBe(true);
  });

  it('-x prints the first 64 bytes, -xxx 256 and -xxxx stays at 256 for a 256-byte image', () => {
    const device = parseLspciText(readFixture('cap-vendor-virtio.txt')).devices[0];
    if (!device) throw new Error('device missing');
    expect(hexRows(printLspci(device, { verbose: 0, hex: 1 }).split('\n'))).toHaveLength(4);
    expect(hexRows(printLspci(device, { verbose: 0, hex: 3 }).split('\n'))).toHaveLength(16);
    expect(hexRows(printLspci(device, { verbose: 0, hex: 4 }).split('\n'))).toHaveLength(16);
  });

  it('rows past 0xff are printed with three offset digits, as lspci -xxxx does', () => {
    const config = new Uint8Array(4096);
    config[0x100] = 0xab;
    const rows = hexDumpLines(config, 4096);
    expect(rows[16]).toBe('100: ab 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
    expect(rows.at(-1)).toMatch(/^ff0: /);
  });

  it('a device block ends with the blank line lspci prints after hex output', () => {
    const device = parseLspciText(readFixture('cap-doe.txt')).devices[0];
    if (!device) throw new Error('device missing');
    expect(printLspci(device, { verbose: 0, hex: 3 }).endsWith('f0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n\n')).toBe(true);
    expect(printLspci(device, { verbose: 0, hex: 0 }).endsWith('\n\n')).toBe(false);
  });
});
