// The app in Debian's Chromium against the web host, driven as an engineer would:
// every step through the UI, then checked in the UI and in the machine itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startHarness, type Harness } from './harness';
import { machineOf } from '../target-machine';

let h: Harness;
const NIC = 0x18;
const BAR1 = 0xfebf0000;

beforeAll(async () => {
  h = await startHarness({ source: 'preset', preset: 'e1000e' });
});

afterAll(async () => {
  await h?.close();
});

const byId = (id: string) => h.page.getByTestId(id);
const nic = () => machineOf(h.app.session).fn(NIC)!;

async function canvasCount(name: string): Promise<number> {
  return Number(await byId('timeline-canvas').getAttribute(`data-${name}`));
}

async function showTimelineFitted(): Promise<void> {
  await byId('tab-timeline').click();
  await byId('timeline-fit').click();
}

describe('irqscope in the browser', () => {
  it('loads a preset', async () => {
    await expect.poll(() => byId('status-machine').textContent()).toContain('e1000e');
    await byId('preset-select').selectOption('virtio-net');
    await expect.poll(() => byId('status-machine').textContent()).toContain('virtio-net-like NIC');
    await byId('device-00:03.0').waitFor();
    expect(h.app.session.preset).toBe('virtio-net');
    await screenshot(h.page, 'load-preset');
  });

  it('B2/B3: enables memory space and bus master and assigns BAR1 by editing registers', async () => {
    await byId('tab-devices').click();
    await byId('command-mem').click();
    await byId('command-busMaster').click();
    await byId('bar-1-input').fill('0xfebf0000');
    await byId('bar-1-assign').click();
    await expect.poll(() => byId('bar-1-mapped').textContent()).toContain('0xfebf0000');
    expect(nic().command & 0x6).toBe(0x6);
    expect(nic().bars[1]!.mappedAt).toBe(BAR1);
    await screenshot(h.page, 'registers');
  });

  it('C1/M1: enables MSI-X with the capability switch', async () => {
    await byId('msix-enable').click();
    await expect.poll(() => byId('msix-enable').locator('input').isChecked()).toBe(true);
    // The switch may show the new state before the config write's reply has come back.
    await expect.poll(() => nic().msix!.enabled).toBe(true);
    expect(nic().msix!.functionMasked).toBe(false);
    await screenshot(h.page, 'msix-enabled');
  });

  it('T3/A1: programs and unmasks vector 0 in the grid', async () => {
    await byId('tab-vectors').click();
    await byId('vector-0-address').click();
    await byId('edit-address').fill('00000000:fee01000');
    await byId('edit-address').press('Enter');
    await byId('vector-0-data').click();
    await byId('edit-data').fill('00000031');
    await byId('edit-data').press('Enter');
    await byId('vector-0-mask').uncheck();
    await expect.poll(() => byId('vector-0-mask').isChecked()).toBe(false);
    const row = byId('vector-row-0');
    await expect.poll(() => row.textContent()).toContain('fee01000');
    expect(await row.locator('.dest').textContent()).toContain('1');
    expect(await row.locator('.vec').textContent()).toContain('0x31');
    await expect.poll(() => Array.from(nic().msix!.table.subarray(0, 4))).toEqual([0xfee01000, 0, 0x31, 0]);
    await screenshot(h.page, 'vector-table');
  });

  it('N3: fires the vector and sees a delivered marker on the timeline', async () => {
    await byId('vector-0-fire').click();
    await expect.poll(() => byId('vector-0-delivered').textContent()).toBe('1');
    expect(machineOf(h.app.session).apic.total(1, 0x31)).toBe(1);
    // The APIC's /proc/interrupts view counts it on CPU 1.
    await expect.poll(() => byId('interrupts-0x31').locator('td').allTextContents()).toEqual(['0', '1', '0', '0']);
    await showTimelineFitted();
    await expect.poll(() => canvasCount('delivered')).toBe(1);
    await screenshot(h.page, 'timeline-delivered');
  });

  it('N2/U3: masked, a fire pends; unmasking delivers the pending message', async () => {
    await byId('tab-vectors').click();
    await byId('vector-0-mask').check();
    await expect.poll(() => byId('vector-0-mask').isChecked()).toBe(true);
    await byId('vector-0-fire').click();
    await expect.poll(() => byId('vector-0-pending').textContent()).toBe('1');
    expect(await byId('vector-0-delivered').textContent()).toBe('1');
    expect(nic().msix!.isPending(0)).toBe(true);
    await screenshot(h.page, 'vector-pending');
    await byId('vector-0-mask').uncheck();
    await expect.poll(() => byId('vector-0-pending').textContent()).toBe('0');
    await expect.poll(() => byId('vector-0-delivered').textContent()).toBe('2');
    expect(machineOf(h.app.session).apic.total(1, 0x31)).toBe(2);
    await showTimelineFitted();
    await expect.poll(() => canvasCount('delivered')).toBe(2);
    expect(await canvasCount('pended')).toBe(1);
    expect(await canvasCount('masked-spans')).toBeGreaterThanOrEqual(1);
    await screenshot(h.page, 'timeline-pending-delivered');
  });

  it('answers a malformed request with an error naming the field, and changes nothing', async () => {
    const before = machineOf(h.app.session).log.total;
    const url = h.web.url.replace('http', 'ws') + 'ws';
    const reply = await h.page.evaluate(async (socketUrl) => {
      const ws = new WebSocket(socketUrl);
      await new Promise((resolve) => ws.addEventListener('open', resolve));
      const answer = new Promise<string>((resolve) =>
        ws.addEventListener('message', (e) => {
          if (typeof e.data === 'string' && e.data.includes('"reply"')) resolve(e.data);
        }),
      );
      ws.send(JSON.stringify({ id: 7, name: 'writeConfig', params: { bdf: 24, offset: 4, size: 3, value: 0 } }));
      const text = await answer;
      ws.close();
      return JSON.parse(text) as unknown;
    }, url);
    expect(reply).toEqual({ type: 'reply', id: 7, reply: { ok: false, error: 'writeConfig.size: must be 1, 2 or 4 bytes' } });
    expect(nic().command & 0x6).toBe(0x6);

    await byId('tab-devices').click();
    await byId('poke-space').selectOption('io');
    await byId('poke-address').fill('0xcf8');
    await byId('poke-size').selectOption('8');
    await byId('poke-value').fill('0x80001800');
    await byId('poke-write').click();
    await expect.poll(() => byId('poke-history').textContent()).toContain('size: must be 1, 2 or 4 bytes');
    expect(await byId('status-error').textContent()).toContain('size: must be 1, 2 or 4 bytes');
    expect(machineOf(h.app.session).log.total).toBe(before);
    await screenshot(h.page, 'malformed-request');
  });
});
