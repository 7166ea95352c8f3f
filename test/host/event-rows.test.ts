import { describe, expect, it } from 'vitest';
import { EventLog } from '../../src-main/machine/event-log';
import { Clock } from '../../src-main/machine/clock';
import { EventHistory } from '../../src-main/host/event-history';
import { FilterIndex } from '../../src-main/host/filter-index';
import { compileFilter } from '../../src-shared/timeline/event-filter';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { MarkerClass, laneKey } from '../../src-shared/timeline/lanes';
import { NIC, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';
import { machineOf } from '../target-machine';

function firedHost() {
  const host = hostWith(TWO_DEVICES);
  bringUpNic(host);
  const m = machineOf(host.session);
  for (let k = 0; k < 30; k++) {
    m.step(1000);
    value(host.dispatch('fireVector', { bdf: NIC, vector: k % 3 }));
  }
  return host;
}

describe('the log view and finding events, answered by the host', () => {
  it('eventRows pages through every held event without a filter, and through the matches with one', () => {
    const host = firedHost();
    const total = machineOf(host.session).log.total;
    const all = value(host.dispatch('eventRows', { fromRow: 0, count: 1000 }));
    expect(all).toMatchObject({ rowCount: total, complete: true, firstSeq: 0, total });
    expect(all.rows.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i));
    const page = value(host.dispatch('eventRows', { filter: 'kind == delivered && vector == 0', fromRow: 2, count: 3 }));
    const delivered0 = all.rows.filter((r) => r.kind === 'NotifyDelivered' && r.vector === 0);
    expect(delivered0.length).toBe(10);
    expect(page.rowCount).toBe(10);
    expect(page.rows).toEqual(delivered0.slice(2, 5));
  });

  it('eventRows with tail answers the last rows as they are when it answers, and says from which row', () => {
    const host = firedHost();
    const total = machineOf(host.session).log.total;
    expect(value(host.dispatch('eventRows', { tail: true, count: 4 }))).toMatchObject({ fromRow: total - 4, rowCount: total });
    // Events logged after the page was asked for are in it: the host takes in the log first.
    machineOf(host.session).step(1000);
    value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    const later = value(host.dispatch('eventRows', { tail: true, count: 4 }));
    const now = machineOf(host.session).log.total;
    expect(later.rows.map((r) => r.seq)).toEqual([now - 4, now - 3, now - 2, now - 1]);
    const filtered = value(host.dispatch('eventRows', { filter: 'kind == delivered && vector == 0', tail: true, count: 1000 }));
    expect(filtered).toMatchObject({ fromRow: 0, rowCount: filtered.rows.length });
    for (const both of [{ count: 4 }, { fromRow: 0, tail: true, count: 4 }]) {
      const reply = host.dispatch('eventRows', both as never);
      expect(reply.ok ? '' : reply.error).toBe('eventRows.fromRow: give fromRow or tail, not both');
    }
  });

  it('locateEvent finds a seq or a time; filtered, the first match at or after it, else the last before', () => {
    const host = firedHost();
    const all = value(host.dispatch('eventRows', { fromRow: 0, count: 1000 })).rows;
    const target = all.find((r) => r.kind === 'NotifyPended' && r.vector === 1)!;
    expect(value(host.dispatch('locateEvent', { seq: target.seq }))).toMatchObject({ row: target.seq, event: target });
    expect(value(host.dispatch('locateEvent', { timeNs: target.timeNs }))).toMatchObject({ event: { timeNs: target.timeNs } });
    const filter = 'vector == 2 && kind == pended';
    const matches = all.filter((r) => r.vector === 2 && r.kind === 'NotifyPended');
    expect(matches.length).toBe(10);
    const found = value(host.dispatch('locateEvent', { filter, seq: target.seq }));
    const next = matches.find((r) => r.seq >= target.seq)!;
    expect(found).toMatchObject({ row: matches.indexOf(next), event: next });
    expect(value(host.dispatch('locateEvent', { filter, seq: 1e9 }))).toMatchObject({ row: matches.length - 1, event: matches.at(-1) });
    expect(value(host.dispatch('locateEvent', { filter: 'vector == 9', seq: 0 }))).toMatchObject({ row: null, event: null, rowCount: 0 });
  });

  it('timelineWindow with a filter draws only the matches (masked spans stay the lane state) and names the active lanes', () => {
    const host = firedHost();
    const lanes = [0, 1, 2].map((vector) => ({ bdf: NIC, vector }));
    const w = value(host.dispatch('timelineWindow', { startNs: 0, endNs: 40_000, pixels: 4000, lanes, filter: 'vector == 1 && kind == pended' }));
    expect(w.filter).toMatchObject({ matched: 10, complete: true });
    expect(w.activeLanes).toEqual([laneKey(NIC, 1)]);
    expect(w.lanes[0]!.x).toEqual([]);
    expect(w.lanes[1]!.totals[MarkerClass.Pended]).toBe(10);
    expect(w.lanes[1]!.totals[MarkerClass.Other]).toBe(0);
    const unfiltered = value(host.dispatch('timelineWindow', { startNs: 0, endNs: 40_000, pixels: 4000, lanes }));
    expect(unfiltered.filter).toBeNull();
    expect(w.lanes.map((l) => l.masked)).toEqual(unfiltered.lanes.map((l) => l.masked));
  });

  it('a filter that does not parse is refused naming the field and column, and nothing changes', () => {
    const host = firedHost();
    const total = machineOf(host.session).log.total;
    for (const name of ['eventRows', 'timelineWindow', 'locateEvent'] as const) {
      const params = { eventRows: { fromRow: 0, count: 1 }, timelineWindow: { startNs: 0, endNs: 10, pixels: 10, lanes: [] }, locateEvent: { seq: 0 } }[name];
      const reply = host.dispatch(name, { ...params, filter: 'vector == ' } as never);
      expect(reply.ok).toBe(false);
      expect(reply.ok ? '' : reply.error).toBe(`${name}.filter: column 11: expected a value after "==", found the end of the filter`);
    }
    expect(host.dispatch('locateEvent', { seq: 1, timeNs: 1 }).ok).toBe(false);
    expect(host.dispatch('locateEvent', {}).ok).toBe(false);
    expect(host.dispatch('eventRows', { fromRow: 0, count: 0 }).ok).toBe(false);
    expect(machineOf(host.session).log.total).toBe(total);
  });
});

describe('a filter over the history', () => {
  const NOTIFY = [EventKind.NotifyDelivered, EventKind.NotifyPended, EventKind.NotifyDropped];
  function filled(n: number, history = new EventHistory(1 << 16)): { history: EventHistory; log: EventLog; clock: Clock } {
    const clock = new Clock();
    const log = new EventLog(clock, 1 << 12);
    for (let i = 0; i < n; i++) {
      clock.now = i;
      log.put(NOTIFY[i % 3]!, 0, NIC, i % 5, 0, 0, 0);
      if ((i & 1023) === 1023) history.ingest(log);
    }
    history.ingest(log);
    return { history, log, clock };
  }
  /** Updates until the filter has tested every held event (a loaded machine may need several slices). */
  const catchUp = (f: FilterIndex, history: EventHistory): void => {
    do f.update(history);
    while (!f.progress(history).complete);
  };
  const index = (text: string): FilterIndex => {
    const c = compileFilter(text);
    if (!c.ok || c.matches === null) throw new Error('bad filter');
    return new FilterIndex(text, c.matches);
  };

  it('tests a slice per update when short of time, and says how far it got', () => {
    const { history } = filled(50_000);
    const f = index('text contains "vector 3"');
    f.update(history, 0);
    const first = f.progress(history);
    expect(first.complete).toBe(false);
    expect(first.tested).toBeGreaterThan(0);
    expect(first.tested).toBeLessThan(50_000);
    while (!f.progress(history).complete) f.update(history, 0);
    expect(f.rowCount).toBe(10_000);
    expect(f.seqOfRow(0)).toBe(3);
    expect(f.seqOfRow(9_999)).toBe(49_998);
  });

  it('forgets what the history evicts and keeps testing what comes in', () => {
    const { history, log, clock } = filled(60_000);
    const f = index('vector == 0 && kind == delivered');
    catchUp(f, history);
    expect(f.rowCount).toBe(4000);
    for (let i = 60_000; i < 100_000; i++) {
      clock.now = i;
      log.put(NOTIFY[i % 3]!, 0, NIC, i % 5, 0, 0, 0);
      if ((i & 1023) === 1023) history.ingest(log);
    }
    history.ingest(log);
    catchUp(f, history);
    expect(history.firstSeq).toBe(100_000 - (1 << 16));
    const expected = Array.from({ length: 100_000 }, (_, i) => i).filter((i) => i >= history.firstSeq && i % 15 === 0);
    expect(f.rowCount).toBe(expected.length);
    expect(f.seqOfRow(0)).toBe(expected[0]);
    expect(f.rowAtOrAfter(expected[5]! - 1)).toBe(5);
    const w = history.window(0, 100_000, 100, [laneKey(NIC, 0)], 100, f.lanes);
    expect(w.lanes[0]!.totals[MarkerClass.Delivered]).toBe(expected.length);
    expect(w.lanes[0]!.count.reduce((s, n) => s + n, 0)).toBe(expected.length);
  });

  it('starts over with the history (another machine)', () => {
    const { history } = filled(3000);
    const f = index('vector == 1');
    catchUp(f, history);
    expect(f.rowCount).toBe(600);
    history.clear();
    const clock = new Clock();
    const log = new EventLog(clock, 1 << 12);
    log.put(EventKind.NotifyDelivered, 0, NIC, 1, 0, 0, 0);
    history.ingest(log);
    catchUp(f, history);
    expect(f.rowCount).toBe(1);
  });
});
