// A new user's first bring-up of the nvme preset, for the frictions of issue 15:
// the layout with the Breakpoints panel open, writes to read-only bits, BAR
// addresses, breakpoint forms that take register names and barN+offset, armed
// steps, "Show on timeline", and refusals next to their fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startHarness, type Harness } from './harness';
import { machineOf } from '../target-machine';

let h: Harness;
const NVME = 0x20;
const BAR0 = 0xfebd0000;

beforeAll(async () => {
  h = await startHarness({ source: 'preset', preset: 'nvme' }, { width: 1280, height: 800 });
});

afterAll(async () => {
  await h?.close();
});

const byId = (id: string) => h.page.getByTestId(id);
const machine = () => machineOf(h.app.session);
const fn = () => machine().fn(NVME)!;

/** The element's box lies inside the viewport, whole. */
async function fullyVisible(id: string): Promise<boolean> {
  const box = await byId(id).boundingBox();
  const view = h.page.viewportSize()!;
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= view.width && box.y + box.height <= view.height;
}

describe('a first bring-up of the nvme preset', () => {
  it('with the Breakpoints panel open the config grid scrolls, the poke panel stays on screen and nothing is clipped', async () => {
    await byId('device-00:04.0').waitFor();
    await byId('breakpoints-toggle').click();
    await byId('breakpoint-panel').waitFor();
    const grid = await byId('config-hex-grid').boundingBox();
    expect(grid!.height).toBeLessThan(800);
    for (const id of ['poke-panel', 'poke-write', 'setpci-run', 'bar-0-assign', 'bar-0-input']) expect(await fullyVisible(id), id).toBe(true);
    await screenshot(h.page, 'devices-with-breakpoints');
  });

  it('a write to read-only bits says what took effect and why the rest was ignored', async () => {
    await byId('config-hex-grid').locator('[data-offset="0"]').click();
    await byId('config-value-input').fill('1234');
    await byId('config-write').click();
    await expect.poll(() => byId('config-write-effect').textContent()).toBe('read-only: wrote 0x1234, it still reads 0x1b36');
    expect(await byId('config-value-input').inputValue()).toBe('1b36');
    await byId('setpci-line').fill('COMMAND=ffff');
    await byId('setpci-run').click();
    await expect.poll(() => byId('poke-history').textContent()).toContain('took effect as 0x');
  });

  it('BAR 0 (64-bit) refuses an unaligned address next to the field, then takes an aligned one', async () => {
    await byId('bar-0-input').fill('0x12345');
    await byId('bar-0-assign').click();
    await expect.poll(() => byId('bar-0-error').textContent()).toContain('is not aligned to the BAR');
    expect(fn().bars[0]!.mappedAt).toBe(-1);
    await byId('bar-0-error').scrollIntoViewIfNeeded();
    expect(await byId('bar-0-error').isVisible()).toBe(true);
    await screenshot(h.page, 'bar-unaligned');
    await byId('bar-0-input').fill(`0x${BAR0.toString(16)}`);
    await byId('bar-0-assign').click();
    await byId('setpci-line').fill('COMMAND=0x6');
    await byId('setpci-run').click();
    await expect.poll(() => fn().bars[0]!.mappedAt).toBe(BAR0);
    await expect(byId('bar-0-error').count()).resolves.toBe(0);
  });

  it('the breakpoint form takes COMMAND for a config breakpoint and bar0+0x2000 for an MMIO one', async () => {
    await byId('bp-add').click();
    await byId('bp-kind').selectOption('config-write');
    await byId('bp-device').selectOption({ label: '00:04.0 nvme0' });
    await byId('bp-offset').fill('COMMAND');
    await byId('bp-submit').click();
    await expect.poll(() => byId('bp-1-text').textContent()).toBe('config 00:04.0 0x4 2');
    await byId('bp-add').click();
    await byId('bp-kind').selectOption('access');
    await byId('bp-start').fill('bar0+0x2000');
    await byId('bp-length').fill('16');
    await byId('bp-tracepoint').check();
    await byId('bp-submit').click();
    await expect.poll(() => machine().debugger.list().map((b) => b.spec)).toContainEqual(expect.objectContaining({ kind: 'access', start: BAR0 + 0x2000, length: 16 }));
    await screenshot(h.page, 'breakpoint-by-name');
  });

  it('a paused step with nothing queued shows as armed until cancelled; Show on timeline works every time', async () => {
    await byId('setpci-line').fill('COMMAND=0x6');
    await byId('setpci-run').click();
    await byId('paused-banner').waitFor();
    expect(await byId('paused-vector').count()).toBe(0);
    for (let round = 0; round < 2; round++) {
      await byId('tab-devices').click();
      await byId('debug-show-event').click();
      await expect.poll(() => h.page.locator('[data-testid="timeline-canvas"]:focus').count()).toBe(1);
    }
    await h.page.keyboard.press('F10');
    await expect.poll(() => byId('debug-armed').textContent()).toContain('step armed');
    await screenshot(h.page, 'step-armed');
    await byId('debug-cancel-armed').click();
    await expect.poll(() => machine().debugger.runMode).toBe('run');
    // The page hears the cancel on the debugger stream, after the machine has run on.
    await expect.poll(() => byId('debug-armed').count()).toBe(0);
    await byId('bp-1-remove').click();
  });

  it('the rate and jump-to-vector fields say why they refuse', async () => {
    await byId('tab-vectors').click();
    await byId('vector-1-rate-input').fill('1e9');
    await byId('vector-1-rate').click();
    await expect.poll(() => byId('vector-1-rate-error').textContent()).toBe('at most 10,000,000 per second (got 1,000,000,000)');
    await byId('vector-jump').fill('999');
    await byId('vector-jump-go').click();
    await expect.poll(() => byId('vector-jump-error').textContent()).toBe('no vector 999: 00:04.0 has vectors 0..64');
    await screenshot(h.page, 'field-refusals');
    expect(machine().listSources()).toHaveLength(0);
  });
});
