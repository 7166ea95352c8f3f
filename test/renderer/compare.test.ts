import { beforeEach, describe, expect, it } from 'vitest';
import { setup, type FakeTransport } from './fake-transport';
import { useCompareStore } from '../../src-renderer/stores/compare';
import { compareHit, divergingColumns, markNear, runTop, COMPARE_LAYOUT } from '../../src-renderer/timeline/render-compare';
import type { CompareWindow, RunComparison } from '../../src-shared/diff/comparison';
import type { EventRecord } from '../../src-shared/timeline/event-record';

const record = (seq: number, kind: string, timeNs = 0): EventRecord => ({ seq, timeNs, kind, origin: 'guest', bdf: '00:03.0', vector: 0, detail: 0, a: 0, b: 0, c: 0, fields: {}, text: kind });

const SUMMARY: RunComparison = {
  a: { name: 'live', events: 300, firstSeq: 0, startNs: 0, endNs: 5000 },
  b: { name: 'b.irqsession', events: 301, firstSeq: 0, startNs: 0, endNs: 0 },
  steps: 301,
  alike: 299,
  onlyA: 0,
  onlyB: 1,
  different: 1,
  differences: [
    { op: 'onlyB', step: 8, a: null, b: record(8, 'TableRead') },
    { op: 'different', step: 200, a: record(199, 'NotifyDelivered', 4000), b: record(200, 'NotifyDropped') },
  ],
  lanes: [
    { bdf: 0x18, vector: 0xffff },
    { bdf: 0x18, vector: 0 },
  ],
  lanesNotShown: 0,
};

let transport: FakeTransport;
const windows = (): { axis: string; start: number; end: number; pixels: number }[] => transport.named('comparisonWindow') as never;

beforeEach(() => {
  ({ transport } = setup());
  transport.on('compareSession', () => SUMMARY);
  transport.on('comparisonWindow', ({ axis, start, end, pixels }): CompareWindow => ({ axis, start, end, pixels, runs: [[[], []], [[], []]] }));
});

describe('the compare store', () => {
  it('sends the chosen session as base64 and shows both runs whole on the aligned axis', async () => {
    const compare = useCompareStore();
    expect(await compare.open(new File([new Uint8Array([0x49, 0x52])], 'b.irqsession'))).toBe(true);
    expect(transport.named('compareSession')).toEqual([{ data: 'SVI=', fileName: 'b.irqsession' }]);
    expect(windows().at(-1)).toEqual({ axis: 'aligned', start: 0, end: 301, pixels: 800 });
    expect(compare.frame?.end).toBe(301);
  });

  it('a difference is selected in both runs and centred, zoomed in to 64 steps; on the time axis by its time in A', async () => {
    const compare = useCompareStore();
    await compare.open(new File([], 'b.irqsession'));
    await compare.selectDifference(SUMMARY.differences[1]!);
    expect(compare.selected).toEqual({ step: 200, op: 'different', a: SUMMARY.differences[1]!.a, b: SUMMARY.differences[1]!.b });
    expect(windows().at(-1)).toMatchObject({ start: 200.5 - 32, end: 200.5 + 32 });
    await compare.setAxis('time');
    // The whole time range is 0..5000 ns: centred on A's event at 4000 ns, clamped to the end.
    expect(windows().at(-1)).toMatchObject({ axis: 'time', start: 0, end: 5000 });
    await compare.zoom(0.1, 4000);
    expect(windows().at(-1)).toMatchObject({ start: 3600, end: 4100 });
  });

  it('a clicked mark asks for the pair at its step; a refused file says why and keeps the comparison shown', async () => {
    const compare = useCompareStore();
    await compare.open(new File([], 'b.irqsession'));
    transport.on('comparisonPair', ({ run, seq }) => ({ step: 3, op: 'alike' as const, a: record(seq, 'TableWrite'), b: run === 'b' ? record(seq, 'TableWrite') : null }));
    await compare.selectEvent('b', 3);
    expect(transport.named('comparisonPair')).toEqual([{ run: 'b', seq: 3 }]);
    expect(compare.selected?.step).toBe(3);
    transport.on('compareSession', () => ({ ok: false, error: 'compareSession.data: x.irqsession: truncated' }));
    expect(await compare.open(new File([], 'x.irqsession'))).toBe(false);
    expect(compare.error).toContain('truncated');
    expect(compare.summary).toEqual(SUMMARY);
  });
});

describe('the stacked canvas layout', () => {
  it('hits run A and run B lanes at the same pixel column, and nothing on headers or labels', () => {
    const L = COMPARE_LAYOUT;
    const lane1 = (run: 0 | 1): number => runTop(run, 2) + L.runHeader + L.strip + L.laneHeight + 2;
    expect(compareHit(L.labelWidth + 40, lane1(0), 2)).toEqual({ run: 0, lane: 1, px: 40 });
    expect(compareHit(L.labelWidth + 40, lane1(1), 2)).toEqual({ run: 1, lane: 1, px: 40 });
    expect(compareHit(L.labelWidth + 40, runTop(1, 2) + 2, 2)).toBeNull();
    expect(compareHit(10, lane1(0), 2)).toBeNull();
  });

  it('finds the nearest mark within a few columns, and the columns where either run diverges', () => {
    const marks = [
      { px: 10, count: 1, cls: 0, diverging: 0, seq: 1 },
      { px: 14, count: 2, cls: 2, diverging: 1, seq: 2 },
    ];
    expect(markNear(marks, 13)?.seq).toBe(2);
    expect(markNear(marks, 30)).toBeNull();
    const frame: CompareWindow = { axis: 'aligned', start: 0, end: 10, pixels: 100, runs: [[marks], [[{ px: 50, count: 1, cls: 1, diverging: 1, seq: 9 }]]] };
    expect([...divergingColumns(frame)].sort((x, y) => x - y)).toEqual([14, 50]);
  });
});
