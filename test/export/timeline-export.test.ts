import { describe, expect, it } from 'vitest';
import { busyMachine, LEGACY } from '../session/busy-machine';
import { Guest, NIC, CTRL, ENABLE, MASKALL } from '../machine/guest';
import { microsecondsText, type ChromeTrace } from '../../src-main/export/perfetto-json';
import { exportTimeline } from '../../src-main/export/timeline-export';
import { decodeSession, encodeSession } from '../../src-main/session/machine-snapshot';
import { eventRecord } from '../../src-shared/timeline/event-record';
import { EXPORT_FORMATS } from '../../src-shared/timeline/export-formats';
import type { Machine } from '../../src-main/machine/machine';

const DATE = new Date('2026-01-02T03:04:05Z');

/** Busy, with a log large enough to hold everything since the build. */
function complete(): Guest {
  const g = busyMachine(1 << 12);
  expect(g.machine.log.evicted).toBe(0);
  // More mask traffic: function mask on and off, MSI-X off and on, a vector unmasked with its pending bit set.
  g.writeControl(ENABLE | MASKALL);
  g.engine.notify(0);
  g.writeControl(ENABLE);
  g.writeControl(0);
  g.writeControl(ENABLE);
  g.writeEntry(2, CTRL, 0);
  return g;
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
    } else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      (row = []), (field = ''), i++;
    } else if (ch === '\n' || ch === '\r') throw new Error(`bare line break at ${i}`);
    else field += ch;
  }
  if (quoted || field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

describe('Perfetto trace JSON export', () => {
  function trace(m: Machine, axis: 'ns' | 'seq' = 'ns'): ChromeTrace {
    return JSON.parse(exportTimeline(m, 'perfetto-json', { axis }).toString('utf8')) as ChromeTrace;
  }

  it('writes whole nanoseconds as microseconds digit for digit', () => {
    expect([0, 7, 1000, 380088400953, 380088400950, 9007199254740991].map(microsecondsText)).toEqual(['0', '0.007', '1', '380088400.953', '380088400.95', '9007199254740.991']);
  });

  it('has one instant per retained event, in µs, on the device process and vector thread', () => {
    const g = complete();
    const m = g.machine;
    const t = trace(m);
    expect(t.displayTimeUnit).toBe('ns');
    const instants = t.traceEvents.filter((e) => e.ph === 'i');
    expect(instants).toHaveLength(m.log.retained);
    const cols = m.log.slice(0, m.log.total);
    instants.forEach((e, i) => {
      expect(e).toMatchObject({ s: 't', ts: cols.time[i]! / 1000, args: { seq: i, text: eventRecord(cols, i).text } });
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
    });
    for (let i = 1; i < instants.length; i++) expect(instants[i]!.ts).toBeGreaterThanOrEqual(instants[i - 1]!.ts);
    const delivered = instants.filter((e) => e.name === 'NotifyDelivered' && e.pid === NIC + 1);
    expect(delivered.map((e) => e.tid)).toEqual(expect.arrayContaining([1, 2]));
    const names = t.traceEvents.filter((e) => e.ph === 'M').map((e) => [e.name, e.pid, e.tid, e.args.name ?? e.args.sort_index]);
    expect(names).toContainEqual(['process_name', NIC + 1, 0, '00:03.0 nic0']);
    expect(names).toContainEqual(['process_name', LEGACY + 1, 0, '00:04.0 legacy']);
    expect(names).toContainEqual(['thread_name', NIC + 1, 4, 'vector 3']);
  });

  it('counter tracks end at the machine state for every vector', () => {
    const g = complete();
    const t = trace(g.machine, 'seq');
    const last = new Map<string, number>();
    for (const e of t.traceEvents) if (e.ph === 'C' && e.pid === NIC + 1) last.set(e.name, Object.values(e.args)[0] as number);
    for (let v = 0; v < 4; v++) {
      expect(last.get(`vector ${v} masked`)).toBe(g.engine.isMasked(v) ? 1 : 0);
      expect(last.get(`vector ${v} pending`)).toBe(g.engine.isPending(v) ? 1 : 0);
    }
    expect(last.get('function-masked')).toBe(0);
  });
});

describe('CSV export', () => {
  it('has a header and one row per retained event, quoting texts with commas', () => {
    const g = complete();
    const m = g.machine;
    const rows = readCsv(exportTimeline(m, 'csv').toString('utf8'));
    expect(rows[0]).toEqual(['seq', 'time_ns', 'kind', 'origin', 'bdf', 'vector', 'detail', 'a', 'b', 'c', 'text']);
    expect(rows).toHaveLength(m.log.retained + 1);
    const cols = m.log.slice(0, m.log.total);
    rows.slice(1).forEach((row, i) => {
      const r = eventRecord(cols, i);
      expect(row).toEqual([r.seq, r.timeNs, r.kind, r.origin, r.bdf ?? '', r.vector, r.detail, r.a, r.b, r.c, r.text].map(String));
    });
    expect(rows.some((r) => r[10]!.includes(','))).toBe(true);
  });
});

describe('exports of an opened session', () => {
  it('are the same as of the machine it was saved from', () => {
    const m = busyMachine(256).machine;
    const opened = decodeSession(encodeSession(m));
    if (!opened.ok) throw new Error(opened.error);
    for (const format of EXPORT_FORMATS) expect(exportTimeline(opened.machine, format, { axis: 'ns', date: DATE }).equals(exportTimeline(m, format, { axis: 'ns', date: DATE }))).toBe(true);
  });
});
