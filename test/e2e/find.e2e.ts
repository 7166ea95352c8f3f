// Finding events in Debian's Chromium against the web host: a display filter in
// Wireshark's syntax narrows the timeline and the log view alike (a bad one is
// refused with its column); the log view is virtualised over millions of events held
// by the host; selecting in the log selects on the timeline and the reverse; "go to"
// jumps to a seq or a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startHarness, type Harness } from './harness';
import { BAR1, NIC, bringUp } from '../../bench/app-host-bring-up';
import { eventRecord, type EventRecord } from '../../src-shared/timeline/event-record';
import { machineOf } from '../target-machine';

let h: Harness;

const byId = (id: string) => h.page.getByTestId(id);
const text = async (id: string): Promise<string> => ((await byId(id).textContent()) ?? '').trim();
const d = (name: string, params: unknown): unknown => {
  const reply = h.app.dispatch(name, params);
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
};

/** Every event the host holds, as records. */
function held(): EventRecord[] {
  const history = h.app.session.history;
  history.ingest(machineOf(h.app.session).log);
  const cols = history.slice(history.firstSeq, history.retained);
  return Array.from({ length: cols.kind.length }, (_, i) => eventRecord(cols, i));
}

async function setFilter(filter: string): Promise<void> {
  await byId('event-filter').fill(filter);
  await byId('event-filter').press('Enter');
}

/** The shown log rows' sequence numbers. */
async function shownSeqs(): Promise<number[]> {
  return (await byId('event-log-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-seq")))));
}

const detailsSeq = async (): Promise<number> => Number(await h.page.locator('[data-testid="event-details"] dl dd').first().textContent());

beforeAll(async () => {
  h = await startHarness({ source: 'preset', preset: 'virtio-net' }, { width: 1440, height: 1000 });
  // Vector 0 delivers; vector 1 stays masked and pends; with bus master off, vector 0 drops.
  bringUp(h.app, [['writeMmio', { address: BAR1 + 16 + 8, size: 4, value: 0x32 }]]);
  // One fire per virtual microsecond (this block runs before the runner's next slice), so markers stand apart.
  const machine = machineOf(h.app.session);
  for (let k = 0; k < 300; k++) {
    machine.step(1000);
    d('fireVector', { bdf: NIC, vector: k % 3 === 0 ? 1 : 0 });
  }
  d('writeConfig', { bdf: NIC, offset: 0x04, size: 2, value: 0x0002 });
  for (let k = 0; k < 5; k++) {
    machine.step(1000);
    d('fireVector', { bdf: NIC, vector: 0 });
  }
  d('writeConfig', { bdf: NIC, offset: 0x04, size: 2, value: 0x0006 });
  d('pause', {});
});

afterAll(async () => {
  await h?.close();
});

describe('finding events', () => {
  it('a filter narrows the log view and the timeline alike', async () => {
    await byId('tab-timeline').click();
    const all = held();
    await expect.poll(() => text('event-log-count')).toBe(`${all.length} events`);
    await setFilter('vector == 1 && kind == pended');
    const pended = all.filter((r) => r.kind === 'NotifyPended' && r.vector === 1);
    expect(pended.length).toBe(100);
    await expect.poll(() => text('event-log-count')).toBe('100 matching');
    // The log follows the newest rows: the last matches are on screen, nothing else.
    const seqs = await shownSeqs();
    expect(seqs.length).toBeGreaterThan(3);
    expect(seqs).toEqual(pended.slice(-seqs.length).map((r) => r.seq));
    const canvas = byId('timeline-canvas');
    await byId('timeline-fit').click();
    await expect.poll(() => canvas.getAttribute('data-pended')).toBe('100');
    expect(await canvas.getAttribute('data-delivered')).toBe('0');
    await expect.poll(() => text('event-filter-progress')).toBe('100 match');

    await setFilter('text contains "bus master"');
    await expect.poll(() => text('event-log-count')).toBe('5 matching');
    expect(await byId('event-log-row').allTextContents()).toHaveLength(5);
    for (const row of await byId('event-log-row').allTextContents()) expect(row).toContain('dropped: bus master disabled');
    await screenshot(h.page, 'event-filter');
  });

  it('a bad filter says at which column and what was expected, and the last good one stays applied', async () => {
    await setFilter('bdf == 00:03.0 && !(kind == delivered');
    await expect.poll(() => text('event-filter-error')).toBe('column 38: expected ")", found the end of the filter');
    expect(await text('event-log-count')).toBe('5 matching');
    await setFilter('bdf == 00:03.0 && !(kind == delivered)');
    const expected = held().filter((r) => r.bdf === '00:03.0' && r.kind !== 'NotifyDelivered').length;
    await expect.poll(() => text('event-log-count')).toBe(`${expected} matching`);
    expect(await byId('event-filter-error').count()).toBe(0);
  });

  it('selecting a row selects the event on the timeline; clicking a marker selects its row', async () => {
    await setFilter('vector == 1 && kind == pended');
    await expect.poll(() => text('event-log-count')).toBe('100 matching');
    const seq = Number(await byId('event-log-row').nth(2).getAttribute('data-seq'));
    const row = h.page.locator(`[data-testid="event-log-row"][data-seq="${seq}"]`);
    await row.click();
    await expect.poll(detailsSeq).toBe(seq);
    await expect.poll(() => row.getAttribute('class')).toContain('selected');

    // Now the other way: the marker of an event far from the rows on screen.
    const target = held().filter((r) => r.kind === 'NotifyPended' && r.vector === 1)[10]!;
    const canvas = byId('timeline-canvas');
    // Click where it is drawn (lane 1: the function lane is lane 0); the fitted view puts 3 µs between pended markers.
    await byId('event-goto').fill(`#${target.seq}`);
    await byId('event-goto').press('Enter');
    await expect.poll(detailsSeq).toBe(target.seq);
    // A click on no marker clears the selection (the log keeps its rows).
    await canvas.click({ position: { x: 50, y: 22 + 20 + 10 } });
    await expect.poll(() => h.page.locator('[data-testid="event-details"] dl').count()).toBe(0);
    const box = (await canvas.boundingBox())!;
    const start = Number(await canvas.getAttribute('data-view-start'));
    const end = Number(await canvas.getAttribute('data-view-end'));
    const x = 110 + ((target.timeNs - start) / (end - start)) * (box.width - 110);
    expect(x).toBeGreaterThan(110);
    expect(x).toBeLessThan(box.width);
    await canvas.click({ position: { x, y: 22 + 20 + 10 } });
    await expect.poll(detailsSeq).toBe(target.seq);
    await expect.poll(shownSeqs).toContain(target.seq);
    expect(await h.page.locator(`[data-testid="event-log-row"][data-seq="${target.seq}"]`).getAttribute('class')).toContain('selected');
    await screenshot(h.page, 'log-timeline-sync');
  });

  it('go to: a seq or a time, through the filter; a bad target says what it takes', async () => {
    await setFilter('');
    await expect.poll(() => text('event-log-count')).toBe(`${held().length} events`);
    const target = held().find((r) => r.kind === 'NotifyDropped')!;
    await byId('event-goto').fill(`#${target.seq}`);
    await byId('event-goto').press('Enter');
    await expect.poll(detailsSeq).toBe(target.seq);
    await expect.poll(shownSeqs).toContain(target.seq);
    const byTime = held().find((r) => r.timeNs >= target.timeNs)!;
    await byId('event-goto').fill(`${target.timeNs}ns`);
    await byId('event-goto').press('Enter');
    await expect.poll(detailsSeq).toBe(byTime.seq);
    await byId('event-goto').fill('soon');
    await byId('event-goto').press('Enter');
    await expect.poll(() => text('event-goto-error')).toContain('expected #seq or a time such as 1.5ms or 230.58s');
  });

  it('the log view scrolls millions of events held by the host, drawing only the rows on screen', async () => {
    // 1.2 million events in 0.6 s of virtual time, 0.2 s at a time so the host's history takes each in.
    d('continue', {});
    d('startSource', { bdf: NIC, vector: 0, ratePerSecond: 2_000_000 });
    const machine = machineOf(h.app.session);
    for (let k = 0; k < 3; k++) {
      machine.step(200_000_000);
      h.app.session.history.ingest(machine.log);
    }
    d('stopSource', { bdf: NIC, vector: 0 });
    d('pause', {});
    expect(h.app.session.history.missed).toBe(0);
    expect(h.app.session.history.retained).toBeGreaterThan(1_200_000);
    const total = held().length;
    await expect.poll(() => text('event-log-count')).toBe(`${total.toLocaleString('en-US')} events`);
    const scroller = byId('event-log-rows');
    // One scroll to the middle stays there: no fetch of the followed end puts the view back.
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await expect.poll(async () => (await shownSeqs())[0] ?? 0).toBeGreaterThan(total * 0.4);
    await new Promise((r) => setTimeout(r, 500));
    const seqs = await shownSeqs();
    expect(seqs[0]!).toBeLessThan(total * 0.6);
    const visible = await scroller.evaluate((el) => Math.floor(el.clientHeight / 18));
    expect(seqs.length).toBeLessThanOrEqual(visible + 1);
    // Consecutive rows, straight from the host's history.
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    await byId('event-log-rows').press('End');
    await expect.poll(async () => (await shownSeqs()).at(-1)).toBe(h.app.session.history.total - 1);
    // A bound, not a speed check: simulating 1.2 M events takes a while on a loaded machine.
  }, 240_000);
});
