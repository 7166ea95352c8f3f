// Two runs side by side in Chromium: the bring-up run in the app (A) against a saved
// session of the same bring-up on a one-CPU machine with one extra access (B), chosen
// with the Compare view's file picker (the way in for the browser host and Electron
// alike). Both timelines stacked, the differences marked on both and listed; a click
// on a difference or a mark selects the events in both runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, screenshot, startHarness, type Harness } from './harness';
import { UP } from '../doctor/rule-scripts';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { encodeSession } from '../../src-main/session/machine-snapshot';

const BRING_UP = [...UP, 'writel 0xfebd000c 0x0', 'device_irq 00:03.0 0', 'readl 0xfebd0800', 'device_irq 00:03.0 1', 'device_irq 00:03.0 2'];

let h: Harness;
let sessionB: string;
const byId = (id: string) => h.page.getByTestId(id);
const text = async (id: string): Promise<string> => (await byId(id).innerText()).replace(/\s+/g, ' ').trim();

/** B: the virtio-net preset with one CPU (vector 0's message to APIC 1 reaches nobody), one table read more. */
function saveRunB(): string {
  const preset = JSON.parse(readFileSync(join(ROOT, 'machines/virtio-net.json'), 'utf8')) as { cpus: number; name: string };
  preset.cpus = 1;
  preset.name = 'virtio-net with one CPU';
  const built = loadMachineText(JSON.stringify(preset));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  const q = new QtestSession(built.machine);
  const lines = [...BRING_UP];
  lines.splice(UP.length, 0, 'readl 0xfebd0000');
  for (const line of lines) q.execute(line);
  const path = join(mkdtempSync(join(tmpdir(), 'irqscope-compare-')), 'one-cpu.irqsession');
  writeFileSync(path, encodeSession(built.machine));
  return path;
}

beforeAll(async () => {
  h = await startHarness({ source: 'preset', preset: 'virtio-net' });
  for (const line of BRING_UP) {
    const r = h.app.dispatch('qtest', { line });
    if (!r.ok || r.value.reply?.startsWith('FAIL')) throw new Error(`${line}: ${JSON.stringify(r)}`);
  }
  sessionB = saveRunB();
});

afterAll(async () => {
  await h?.close();
});

describe('two runs side by side', () => {
  it('opens a second session and stacks both timelines with the differences marked and listed', async () => {
    await byId('tab-compare').click();
    await byId('compare-file').setInputFiles(sessionB);
    await expect.poll(() => text('compare-summary')).toMatch(/^runs differ · A \d+ events, B \d+ · \d+ alike, 0 only in A, 1 only in B, 1 different outcomes$/);
    // The extra read is only in B; vector 0's delivery in A is a drop (no such CPU) in B.
    expect(await text('difference-0')).toMatch(/only in B — #\d+ TableRead 00:03.0: table read \+0x0 \(vector 0\) = 0xfee01000$/);
    expect(await text('difference-1')).toMatch(/different outcome #\d+ NotifyDelivered 00:03.0: vector 0 delivered to APIC 1.* #\d+ NotifyDropped 00:03.0: vector 0 dropped: no such CPU$/);
    // Both differences are marked: in B twice (the extra read, the drop), in A once (the delivery).
    await expect.poll(async () => Number(await byId('compare-canvas').getAttribute('data-diverging'))).toBe(3);
  });

  it('clicking a difference selects its events in both runs; clicking a mark selects that event and its twin', async () => {
    await byId('difference-1').click();
    await expect.poll(() => text('compare-selected-a')).toMatch(/^A #\d+ NotifyDelivered 00:03.0: vector 0 delivered to APIC 1/);
    expect(await text('compare-selected-b')).toMatch(/^B #\d+ NotifyDropped 00:03.0: vector 0 dropped: no such CPU$/);
    await screenshot(h.page, 'diff-view');
    const [seqA, seqB] = [await text('compare-selected-a'), await text('compare-selected-b')].map((t) => Number(/#(\d+)/.exec(t)![1]));
    // B has the extra event before it: the same step, B's sequence number one higher.
    expect(seqB).toBe(seqA! + 1);
    const step = Number(/^(\d+)/.exec(await text('difference-1'))![1]);
    await byId('difference-0').click();
    await expect.poll(() => text('compare-selected-a')).toBe('A —');
    expect(await text('compare-selected-b')).toMatch(/^B #\d+ TableRead/);
    // Now a click on run A's mark of the delivery (vector 0's lane, at difference 1's step) selects it and B's drop.
    const canvas = byId('compare-canvas');
    await expect.poll(async () => (await canvas.getAttribute('data-view')) ?? '').not.toBe('');
    const [start, end] = (await canvas.getAttribute('data-view'))!.split(',').map(Number) as [number, number];
    const lanes = (await canvas.getAttribute('data-lanes'))!.split('|');
    const box = (await canvas.boundingBox())!;
    const attr = async (name: string): Promise<number> => Number((await canvas.getAttribute(name))!.split(',')[0]);
    const [labelWidth, laneTopA, laneHeight] = [await attr('data-label-width'), await attr('data-lane-tops'), await attr('data-lane-height')];
    const x = labelWidth + ((step + 0.5 - start) / (end - start)) * (box.width - labelWidth);
    const y = laneTopA + lanes.indexOf('00:03.0 v0') * laneHeight + laneHeight / 2;
    await canvas.click({ position: { x, y } });
    await expect.poll(() => text('compare-selected-a')).toMatch(/^A #\d+ NotifyDelivered/);
    expect(await text('compare-selected-b')).toMatch(/^B #\d+ NotifyDropped/);
  });

  it('the time axis draws both runs at their own times; Close ends the comparison', async () => {
    await byId('compare-axis').selectOption('time');
    await expect.poll(async () => Number(await byId('compare-canvas').getAttribute('data-marks'))).toBeGreaterThan(0);
    await byId('compare-close').click();
    await byId('compare-open').waitFor();
    expect(await byId('compare-summary').count()).toBe(0);
  });
});
