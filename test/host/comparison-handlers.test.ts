import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostOn, value } from './fixtures';
import type { AppHost } from '../../src-main/host/app-host';
import { UP } from '../doctor/rule-scripts';
import { encodeSession } from '../../src-main/session/machine-snapshot';
import { diffRuns } from '../../src-shared/diff/run-diff';
import { MarkerClass } from '../../src-shared/timeline/lanes';

const BRING_UP = [...UP, 'writel 0xfebd000c 0x0', 'device_irq 00:03.0 0', 'readl 0xfebd0800', 'device_irq 00:03.0 1'];
const NIC = 0x18;

/** The virtio-net preset after `lines`; `cpus` changes the machine (1: vector 0's message to APIC 1 reaches nobody). */
function runOn(lines: string[], cpus = 4): AppHost {
  const preset = JSON.parse(readFileSync(join(__dirname, '../../machines/virtio-net.json'), 'utf8')) as { cpus: number };
  preset.cpus = cpus;
  const host = hostOn({ source: 'text', text: JSON.stringify(preset), fileName: `cpus-${cpus}.json` });
  for (const line of lines) value(host.dispatch('qtest', { line }));
  return host;
}

const sessionOf = (host: AppHost): string => encodeSession(host.session.machine).toString('base64');
const columnsOf = (host: AppHost) => host.session.machine.log.slice(host.session.machine.log.firstSeq, host.session.machine.log.total);

describe('comparing the current run with a session', () => {
  it('two identical runs: every event alike, no differences, each event in both runs at its own step', () => {
    const a = runOn(BRING_UP);
    const s = value(a.dispatch('compareSession', { data: sessionOf(runOn(BRING_UP)), fileName: 'same.irqsession' }));
    const events = a.session.machine.log.total;
    expect(s).toMatchObject({ steps: events, alike: events, onlyA: 0, onlyB: 0, different: 0, differences: [], a: { events }, b: { name: 'same.irqsession', events } });
    const pair = value(a.dispatch('comparisonPair', { run: 'b', seq: 5 }));
    expect(pair).toMatchObject({ step: 5, op: 'alike', a: { seq: 5 }, b: { seq: 5 } });
    expect(pair.a!.text).toBe(pair.b!.text);
  });

  it('the same bring-up on a machine with one CPU: the one different outcome, as irqscope diff aligns it, marked on both runs', () => {
    const a = runOn(BRING_UP);
    const b = runOn(BRING_UP, 1);
    const s = value(a.dispatch('compareSession', { data: sessionOf(b), fileName: 'one-cpu.irqsession' }));
    const cli = diffRuns(columnsOf(a), columnsOf(b));
    expect([s.alike, s.onlyA, s.onlyB, s.different]).toEqual([cli.alike, cli.onlyA, cli.onlyB, cli.different]);
    expect(s.differences.map((d) => [d.op, d.a?.seq ?? null, d.b?.seq ?? null])).toEqual(cli.divergences.map((d) => [d.op, d.a, d.b]));
    expect(s.different).toBe(1);
    const [d] = s.differences;
    expect(d!.a).toMatchObject({ kind: 'NotifyDelivered', text: 'vector 0 delivered to APIC 1, IDT vector 0x41 (fixed)' });
    expect(d!.b).toMatchObject({ kind: 'NotifyDropped', text: 'vector 0 dropped: no such CPU' });
    // One pixel per step: the diverging mark is at the difference's step in vector 0's lane of both runs, and nowhere else.
    const lane = s.lanes.findIndex((l) => l.bdf === NIC && l.vector === 0);
    const w = value(a.dispatch('comparisonWindow', { axis: 'aligned', start: 0, end: s.steps, pixels: s.steps }));
    for (const run of w.runs) {
      const diverging = run.flatMap((marks, i) => marks.filter((m) => m.diverging > 0).map((m) => ({ lane: i, px: m.px, cls: m.cls })));
      expect(diverging).toEqual([{ lane, px: d!.step, cls: run === w.runs[0] ? MarkerClass.Delivered : MarkerClass.Dropped }]);
    }
    // Every drawn event is counted once.
    const drawn = w.runs[0].flat().reduce((n, m) => n + m.count, 0);
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThanOrEqual(s.a.events);
  });

  it('one extra access in B: only in B, the rest aligned; its pair has no event in A; on the time axis both runs sit at t=0', () => {
    const extra = [...BRING_UP];
    extra.splice(UP.length, 0, 'readl 0xfebd0000');
    const a = runOn(BRING_UP);
    const s = value(a.dispatch('compareSession', { data: sessionOf(runOn(extra)) }));
    expect([s.onlyA, s.onlyB, s.different]).toEqual([0, 1, 0]);
    const [d] = s.differences;
    expect(d).toMatchObject({ op: 'onlyB', a: null, b: { kind: 'TableRead' } });
    expect(s.steps).toBe(s.b.events);
    const pair = value(a.dispatch('comparisonPair', { run: 'b', seq: d!.b!.seq }));
    expect(pair).toMatchObject({ step: d!.step, op: 'onlyB', a: null, b: { seq: d!.b!.seq } });
    // After the extra event, B's events are one step later than their sequence number says... and A's twin stands at the same step.
    const after = value(a.dispatch('comparisonPair', { run: 'a', seq: d!.b!.seq }));
    expect(after).toMatchObject({ op: 'alike', step: d!.step + 1, a: { seq: d!.b!.seq }, b: { seq: d!.b!.seq + 1 } });
    const t = value(a.dispatch('comparisonWindow', { axis: 'time', start: -1, end: 1, pixels: 2 }));
    expect(t.runs[1].flat().reduce((n, m) => n + m.diverging, 0)).toBe(1);
    expect(t.runs[0].flat().reduce((n, m) => n + m.diverging, 0)).toBe(0);
  });

  it('refuses what it cannot compare, naming why, and changes nothing', () => {
    const a = runOn(BRING_UP);
    const before = a.session.machine.log.total;
    expect(a.dispatch('comparisonWindow', { axis: 'aligned', start: 0, end: 10, pixels: 10 })).toEqual({ ok: false, error: 'comparisonWindow: no comparison is open: compare with a session first' });
    expect(a.dispatch('compareSession', { data: 'not*base64' })).toEqual({ ok: false, error: 'compareSession.data: expected the session file as base64' });
    expect(a.dispatch('compareSession', { data: Buffer.from('{}').toString('base64'), fileName: 'x.json' })).toEqual({
      ok: false,
      error: 'compareSession.data: x.json: not an irqscope session file (no IRQSCOPE signature)',
    });
    value(a.dispatch('compareSession', { data: sessionOf(runOn(BRING_UP)) }));
    expect(a.dispatch('comparisonWindow', { axis: 'aligned', start: 5, end: 5, pixels: 10 })).toEqual({ ok: false, error: 'comparisonWindow.end: end must be after start' });
    expect(a.dispatch('comparisonWindow', { axis: 'seq' as 'time', start: 0, end: 5, pixels: 10 })).toMatchObject({ ok: false, error: expect.stringMatching(/^comparisonWindow.axis: must be time or aligned/) });
    expect(a.dispatch('comparisonPair', { run: 'a', seq: 10_000 })).toEqual({ ok: false, error: 'comparisonPair.seq: run A holds no event #10000' });
    expect(value(a.dispatch('closeComparison', {}))).toEqual({ closed: true });
    expect(value(a.dispatch('closeComparison', {}))).toEqual({ closed: false });
    expect(a.session.machine.log.total).toBe(before);
  });
});
