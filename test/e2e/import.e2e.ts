// Real hardware in, through the UI: an lspci dump and a sysfs config file imported
// with the Import dialog, then poked with setpci lines in the poke panel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, screenshot, startHarness, type Harness } from './harness';
import { fixtureBlocks, hexRows, readFixture } from '../pci-text/fixtures';
import { machineOf } from '../target-machine';

let h: Harness;
const VIRTIO_NET = 0x48; // 00:09.0 in the dump
const VIRTIO_FS = 0x20; // 00:04.0
const FROM_SYSFS = 0x10; // the second file, a sysfs config without a path: 00:02.0

/** The dump's virtio-net device as the binary sysfs `config` file of the same device. */
function sysfsConfig(): Buffer {
  const bytes = Buffer.alloc(256);
  hexRows(fixtureBlocks(readFixture('cap-vendor-virtio.txt'))[0]!).forEach((row, r) => row.slice(4).split(' ').forEach((b, i) => (bytes[r * 16 + i] = Number.parseInt(b, 16))));
  return bytes;
}

beforeAll(async () => {
  h = await startHarness({ source: 'preset', preset: 'virtio-net' });
});

afterAll(async () => {
  await h?.close();
});

const byId = (id: string) => h.page.getByTestId(id);
const fn = (bdf: number) => machineOf(h.app.session).fn(bdf);

async function setpci(line: string): Promise<string> {
  const before = await byId('setpci-record').count();
  await byId('setpci-line').fill(line);
  await byId('setpci-run').click();
  await expect.poll(() => byId('setpci-record').count()).toBe(before + 1);
  return (await byId('setpci-record').first().locator('.result').textContent()) ?? '';
}

describe('importing real hardware in the browser', () => {
  it('imports cap-vendor-virtio.txt and a sysfs config with the Import dialog, asking only the sizes the config lacks', async () => {
    await expect.poll(() => byId('status-machine').textContent()).toContain('virtio-net-like NIC');
    const running = machineOf(h.app.session);
    await byId('import-file-input').setInputFiles([
      { name: 'cap-vendor-virtio.txt', mimeType: 'text/plain', buffer: readFileSync(join(ROOT, 'test/fixtures/lspci/cap-vendor-virtio.txt')) },
      { name: 'config', mimeType: 'application/octet-stream', buffer: sysfsConfig() },
    ]);
    await byId('import-bar-sizes').waitFor();
    expect(await byId('import-files').textContent()).toContain('config (sysfs config, 256 bytes)');
    const devices = await byId('import-devices').textContent();
    expect(devices).toContain('Red Hat, Inc Virtio network device');
    expect(devices).toContain('Red Hat, Inc. Virtio file system');
    expect(await byId('import-bar-0-size').inputValue()).toBe('0x20');
    expect(await byId('import-bar-1-size').inputValue()).toBe('0x1000');
    await byId('import-bar-2-size').fill('512K');
    await screenshot(h.page, 'import-dialog');
    expect(machineOf(h.app.session)).toBe(running);

    await byId('import-confirm').click();
    await byId('import-done').waitFor();
    expect(await byId('import-done').textContent()).toContain('imported from cap-vendor-virtio.txt, config');
    expect(await byId('import-warnings').textContent()).toContain('00:02.0: BAR 2 has no [size=..] in the dump; using the given default 0x80000');
    expect(machineOf(h.app.session)).not.toBe(running);
    expect(fn(FROM_SYSFS)!.bars[2]!.size).toBe(0x80000);
    await byId('import-cancel').click();
    await byId('import-dialog').waitFor({ state: 'detached' });

    for (const address of ['00:02.0', '00:04.0', '00:09.0']) await byId(`device-${address}`).waitFor();
    await expect.poll(() => byId('status-machine').textContent()).toContain('imported from cap-vendor-virtio.txt');
    await byId('device-00:09.0').click();
    const msix = byId('msix-capability');
    await expect.poll(() => byId('msix-table-size').textContent()).toContain('3 vectors');
    expect(await msix.textContent()).toContain('BIR 1, offset 0000');
    expect(await msix.textContent()).toContain('BIR 1, offset 0800');
    // Dumped as Enable+ Masked-.
    expect(await byId('msix-enable').locator('input').isChecked()).toBe(true);
    expect(await byId('msix-function-mask').locator('input').isChecked()).toBe(false);
    expect(fn(VIRTIO_NET)!.msix!.enabled).toBe(true);
  });

  it('C4: runs setpci lines in the poke panel: writes change config, reads print values, mistakes get setpci’s words', async () => {
    // No -s: the selected device (00:09.0). value:mask sets Function Mask alone.
    expect(await setpci('CAP_MSIX+2.w=0xc000:0xc000')).toBe('ok');
    await expect.poll(() => byId('msix-function-mask').locator('input').isChecked()).toBe(true);
    expect(fn(VIRTIO_NET)!.msix!.functionMaskBit).toBe(true);
    expect(fn(VIRTIO_NET)!.msix!.enabled).toBe(true);
    expect(await byId('setpci-command').first().textContent()).toBe('-s 00:09.0 CAP_MSIX+2.w=0xc000:0xc000');

    expect(await setpci('0x84.l')).toBe('c0027011');
    // Another device by -s: Bus Master cleared alone (dumped 0406: Mem+ BusMaster+ DisINTx+), then read back.
    expect(await setpci('setpci -s 00:04.0 COMMAND=0:0x4 COMMAND')).toBe('0402');
    expect(fn(VIRTIO_FS)!.config.read(4, 2)).toBe(0x0402);
    const refused = await setpci('BOGUS.w=1');
    expect(refused).toContain('setpci: Unknown register "BOGUS".');
    await screenshot(h.page, 'setpci-poke');
  });
});
