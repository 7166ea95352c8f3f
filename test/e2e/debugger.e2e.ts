// The debugger in Debian's Chromium against the web host: a breakpoint set from a
// vector row's context menu stops the machine when the grid unmasks the vector, the
// banner says why (with the row highlighted), F5 continues, F10 steps a queued fire;
// a session is saved, a corrupt one refused, the saved one opened back; a VCD export
// parses. The break latency (unmask to banner on screen) is measured and reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download } from 'playwright-core';
import { screenshot, startHarness, type Harness } from './harness';
import { measureUnmaskBreak } from '../../bench/ui-break-latency';
import { MASK_VECTOR_0, bringUp } from '../../bench/app-host-bring-up';
import { finalValue, readVcd, triggers } from '../export/vcd-reader';
import { readSessionInfo } from '../../src-main/session/session-file';
import { Origin } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';

let h: Harness;
let dir: string;
const NIC = 0x18;
const BAR1 = 0xfebf0000;
const CPU = 1;
const IDT = 0x31;

beforeAll(async () => {
  h = await startHarness({ source: 'preset', preset: 'virtio-net' });
  bringUp(h.app, [MASK_VECTOR_0]);
  dir = mkdtempSync(join(tmpdir(), 'irqscope-e2e-'));
});

afterAll(async () => {
  await h?.close();
});

const byId = (id: string) => h.page.getByTestId(id);
const machine = () => h.app.session.machine;
const msix = () => machine().fn(NIC)!.msix!;

async function download(start: () => Promise<void>): Promise<{ path: string; download: Download }> {
  const arrived = h.page.waitForEvent('download');
  await start();
  const got = await arrived;
  const path = join(dir, got.suggestedFilename());
  await got.saveAs(path);
  return { path, download: got };
}

async function remask(): Promise<void> {
  await byId('vector-0-mask').check();
  await expect.poll(() => msix().isMasked(0)).toBe(true);
}

describe('the debugger in the browser', () => {
  it('T3/U2: "break when unmasked" from the row menu stops the machine at the unmask; the banner says why; F5 continues', async () => {
    await byId('tab-vectors').click();
    await expect.poll(() => byId('vector-0-mask').isEnabled()).toBe(true);
    await byId('vector-row-0').click({ button: 'right' });
    await byId('ctx-break-unmask').click();
    await expect.poll(() => byId('bp-1-text').textContent()).toBe('unmask 00:03.0 0');
    expect(machine().debugger.list()).toMatchObject([{ id: 1, enabled: true, hits: 0, spec: { kind: 'unmask', bdf: NIC, vectors: [0] } }]);

    const latency = await measureUnmaskBreak(h.page, h.app, 'driver');
    console.info(
      `UI break latency (Playwright click): click to banner ${latency.clickToBannerMs.toFixed(1)} ms, ` +
        `machine event to banner ${latency.eventToBannerMs.toFixed(1)} ms, pause arrival to banner ${latency.arrivalToBannerMs.toFixed(1)} ms`,
    );
    for (const ms of Object.values(latency)) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
    // The pause reached the page before its banner was painted, and the event before both.
    expect(latency.arrivalToBannerMs).toBeLessThanOrEqual(latency.clickToBannerMs);

    expect(machine().debugger.paused).toBe(true);
    expect(machine().clock.halted).toBe(true);
    expect(await byId('paused-reason').textContent()).toBe('Paused at breakpoint #1: unmask 00:03.0 0');
    expect(await byId('paused-event').textContent()).toContain('VectorUnmasked');
    expect(await byId('paused-vector').textContent()).toContain('unmasked');
    expect(await byId('vector-row-0').getAttribute('aria-current')).toBe('true');
    expect(await byId('vector-row-1').getAttribute('aria-current')).toBeNull();
    expect(await byId('run-state').textContent()).toBe('paused');
    // Let the row's change flash fade, so the picture shows the paused highlight.
    await expect.poll(async () => (await byId('vector-row-0').getAttribute('class')) ?? '').not.toContain('flash');
    await screenshot(h.page, 'paused-banner');

    // The timeline is already at the event, selected; its details offer the same breakpoint (not doubled).
    await byId('debug-show-event').click();
    await expect.poll(() => byId('event-kind').textContent()).toBe('VectorUnmasked');
    const event = machine().debugger.pauseReport!.event;
    expect(await byId('event-details').textContent()).toContain(`seq${event.seq}`);
    // Time stands still at the event that hit.
    expect(machine().clock.now).toBe(event.record.timeNs);
    await byId('details-break-unmask').click();
    expect(machine().debugger.list()).toHaveLength(1);
    // The hit itself is on the timeline, in the breakpoint colour, on the vector's lane.
    await expect.poll(async () => Number(await byId('timeline-canvas').getAttribute('data-breakpoint'))).toBeGreaterThanOrEqual(1);
    await screenshot(h.page, 'paused-timeline');
    await byId('tab-vectors').click();

    await h.page.keyboard.press('F5');
    await byId('paused-banner').waitFor({ state: 'detached' });
    expect(machine().debugger.paused).toBe(false);
    expect(await byId('run-state').textContent()).toBe('running');
    await expect.poll(() => byId('bp-1-hits').textContent()).toBe('1 hit');
    expect(h.page.url()).toBe(h.web.url);
  });

  it('N3: paused, a fire waits in the queue and a poke runs as the user\'s own; F10 steps the fire to its delivery', async () => {
    await remask();
    await byId('vector-0-mask').uncheck();
    await byId('paused-banner').waitFor();
    await expect.poll(() => byId('bp-1-hits').textContent()).toBe('2 hits');

    await byId('vector-0-fire').click();
    await expect.poll(() => byId('paused-queue').textContent()).toContain('1 device-side action queued');
    expect(machine().debugger.queued).toEqual([{ kind: 'raise', bdf: NIC, vector: 0 }]);
    expect(machine().apic.total(CPU, IDT)).toBe(0);

    await byId('tab-devices').click();
    await byId('poke-space').selectOption('memory');
    await byId('poke-address').fill(`0x${BAR1.toString(16)}`);
    await byId('poke-size').selectOption('4');
    await byId('poke-read').click();
    await expect.poll(() => byId('poke-history').textContent()).toContain('fee01000');
    const log = machine().log;
    const last = log.indexOf(log.total - 1);
    expect(log.kind[last]).toBe(EventKind.TableRead);
    expect(log.origin[last]).toBe(Origin.User);
    expect(machine().debugger.paused).toBe(true);

    await byId('tab-vectors').click();
    await h.page.keyboard.press('F10');
    await expect.poll(() => byId('paused-reason').textContent()).toBe('Paused: step ended');
    expect(await byId('paused-event').textContent()).toContain('NotifyDelivered');
    expect(machine().apic.total(CPU, IDT)).toBe(1);
    expect(machine().debugger.queued).toHaveLength(0);
    await expect.poll(() => byId('vector-0-delivered').textContent()).toBe('1');

    await h.page.keyboard.press('F5');
    await byId('paused-banner').waitFor({ state: 'detached' });
    expect(machine().debugger.paused).toBe(false);
  });

  it('adds a tracepoint with a value condition and a disabled config-write breakpoint in the panel editor', async () => {
    await byId('bp-add').click();
    await byId('bp-kind').selectOption('delivery');
    await byId('bp-cpu').fill(String(CPU));
    await byId('bp-value').fill('0x31');
    await byId('bp-tracepoint').check();
    await byId('bp-submit').click();
    await expect.poll(() => byId('bp-2-text').textContent()).toBe('deliver 1 any value=0x31 trace');

    await byId('bp-add').click();
    await byId('bp-kind').selectOption('config-write');
    await byId('bp-device').selectOption({ label: '00:03.0 nic0' });
    await byId('bp-offset').fill('0x86');
    await byId('bp-length').fill('2');
    await byId('bp-min-hits').fill('2');
    await byId('bp-enabled').uncheck();
    await byId('bp-submit').click();
    await expect.poll(() => byId('bp-3-text').textContent()).toBe('config 00:03.0 0x86 2 minhits=2');
    expect(machine().debugger.list().map((b) => [b.id, b.enabled, b.spec.kind])).toEqual([
      [1, true, 'unmask'],
      [2, true, 'delivery'],
      [3, false, 'config-write'],
    ]);

    // A tracepoint logs and never stops: fire once, vector 0 is unmasked.
    await byId('vector-0-fire').click();
    await expect.poll(() => byId('bp-2-hits').textContent()).toBe('1 hit');
    expect(machine().debugger.paused).toBe(false);

    await byId('bp-add').click();
    await byId('bp-kind').selectOption('notify');
    await byId('bp-vectors').fill('9');
    await byId('bp-submit').click();
    await expect.poll(() => byId('bp-field-error').textContent()).toBe('vectors: 9 is past the last vector of 00:03.0 (it has 0..2)');
    await screenshot(h.page, 'breakpoints-panel');
    await byId('bp-cancel').click();
    expect(machine().debugger.list()).toHaveLength(3);
  });

  it('saves the session, refuses a corrupt one leaving the machine as it was, and opens the saved one back', async () => {
    const saved = await download(async () => {
      await byId('session-menu').click();
      await byId('session-save').click();
    });
    expect(saved.download.suggestedFilename()).toMatch(/\.irqsession$/);
    const info = readSessionInfo(saved.path);
    expect(info.ok && info.info).toMatchObject({ breakpoints: 3, paused: false, machineName: machine().description.name });
    const savedDelivered = msix().delivered[0];

    await byId('bp-1-remove').click();
    await expect.poll(() => machine().debugger.list().length).toBe(2);
    await byId('vector-0-fire').click();
    await expect.poll(() => msix().delivered[0]).toBe(savedDelivered! + 1);

    const before = machine();
    const corrupt = join(dir, 'corrupt.irqsession');
    writeFileSync(corrupt, readFileSync(saved.path).subarray(0, 100));
    await byId('session-file').setInputFiles(corrupt);
    await expect.poll(() => byId('files-note').textContent()).toContain('session file: corrupt.irqsession: truncated');
    expect(await byId('files-note').textContent()).toContain('the running machine is unchanged');
    expect(machine()).toBe(before);
    expect(machine().debugger.list()).toHaveLength(2);

    await byId('session-file').setInputFiles(saved.path);
    await expect.poll(() => machine() !== before).toBe(true);
    expect(machine().debugger.list().map((b) => b.id)).toEqual([1, 2, 3]);
    expect(msix().delivered[0]).toBe(savedDelivered);
    await expect.poll(() => byId('bp-1-text').textContent()).toBe('unmask 00:03.0 0');
    await expect.poll(() => byId('vector-0-delivered').textContent()).toBe(String(savedDelivered));
    expect(await byId('files-note').textContent()).toContain('opened');
  });

  it('exports a VCD that parses, with the deliveries and mask changes of vector 0', async () => {
    const exported = await download(async () => {
      await byId('session-menu').click();
      await byId('export-vcd').click();
    });
    expect(exported.download.suggestedFilename()).toMatch(/\.vcd$/);
    const vcd = readVcd(readFileSync(exported.path, 'utf8'));
    const scope = 'machine.nic0_00_03_0.vector_0';
    expect(triggers(vcd, `${scope}.delivered`)).toHaveLength(msix().delivered[0]!);
    expect(finalValue(vcd, `${scope}.masked`)).toBe(msix().isMasked(0) ? '1' : '0');
    const masked = vcd.byPath.get(`${scope}.masked`)!;
    // Unmasked twice (each time a breakpoint stopped it) and masked in between.
    expect(vcd.changes.filter((c) => c.id === masked.id).map((c) => c.value)).toEqual(['0', '1', '0']);
  });
});
