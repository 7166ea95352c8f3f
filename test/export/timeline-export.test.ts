import { describe, expect, it } from 'vitest';
import { busyMachine, LEGACY } from '../session/busy-machine';
import { Guest, NIC, CTRL, ENABLE, MASKALL, apicAddress } from '../machine/guest';
import { timelineOf } from '../../src-main/export/timeline-source';
import { toVcd, vcdIdentifier } from '../../src-main/export/vcd';
import { toPerfettoTrace, type ChromeTrace } from '../../src-main/export/perfetto';
import { toCsv } from '../../src-main/export/csv';
import { exportTimeline } from '../../src-main/export/timeline-export';
import { decodeSession, encodeSession } from '../../src-main/session/machine-snapshot';
import { eventRecord } from '../../src-shared/timeline/event-record';
import { finalValue, readVcd, triggers } from './vcd-reader';
import type { Machine } from '../../src-main/machine/machine';
import { machineOf, targetOf } from '../target-machine';

const DATE = new Date('2026-01-02T03:04:05Z');
const NIC_SCOPE = 'machine.nic0_00_03_0';

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

describe('VCD export', () => {
  it('declares a scope per device and vector, and its final levels are the machine state', () => {
    const g = complete();
    const m = g.machine;
    const vcd = readVcd(toVcd(timelineOf(targetOf(m)), { axis: 'seq', date: DATE }));
    expect(vcd.timescale).toBe('1 ns');
    for (let v = 0; v < 4; v++) {
      expect(finalValue(vcd, `${NIC_SCOPE}.vector_${v}.masked`)).toBe(g.engine.isMasked(v) ? '1' : '0');
      expect(finalValue(vcd, `${NIC_SCOPE}.vector_${v}.pending`)).toBe(g.engine.isPending(v) ? '1' : '0');
      // On the sequence axis every delivery has its own tick.
      expect(triggers(vcd, `${NIC_SCOPE}.vector_${v}.delivered`)).toHaveLength(g.engine.delivered[v]!);
    }
    expect(finalValue(vcd, `${NIC_SCOPE}.function_masked`)).toBe(g.engine.functionMasked ? '1' : '0');
    expect(finalValue(vcd, 'machine.legacy_00_04_0.intx')).toBe('1');
    expect(vcd.byPath.has('machine.legacy_00_04_0.function_masked')).toBe(false);
    // I5: a complete log starts from the built state.
    expect(vcd.initial.get(vcd.byPath.get(`${NIC_SCOPE}.vector_3.masked`)!.id)).toBe('1');
  });

  it('C2: disabling MSI-X masks every vector in the waveform although no per-vector event is logged', () => {
    const g = Guest.nic({ vectors: 2, used: 'all' });
    g.writeControl(ENABLE);
    g.program(0, apicAddress(0), 0x40);
    const mark = g.machine.log.total;
    g.writeControl(0);
    const vcd = readVcd(toVcd(timelineOf(targetOf(g.machine)), { axis: 'seq', date: DATE }));
    const masked = vcd.byPath.get(`${NIC_SCOPE}.vector_0.masked`)!;
    expect(vcd.changes.filter((c) => c.id === masked.id).map((c) => [c.time, c.value])).toEqual([
      [mark - 1, '0'], // unmasked by the driver's vector control write
      [mark + 1, '1'], // the FunctionMaskChanged event that disabling logs
    ]);
  });

  it('puts virtual time on the axis in picoseconds, one step per time with its final values', () => {
    const g = Guest.nic({ vectors: 1, used: 'all' });
    g.writeControl(ENABLE);
    g.program(0, apicAddress(0), 0x40);
    g.machine.startSource(g.fn, 0, 3); // every 333333333.33 ns, on whole ns: 333333333, 666666666, 1e9
    g.machine.step(1e9);
    // Masked and unmasked again at one instant: the step's final value, no change at all.
    g.writeEntry(0, CTRL, 1);
    g.writeEntry(0, CTRL, 0);
    const vcd = readVcd(toVcd(timelineOf(targetOf(g.machine)), { axis: 'ns', date: DATE }));
    expect(vcd.timescale).toBe('1 ps');
    expect(triggers(vcd, `${NIC_SCOPE}.vector_0.delivered`)).toEqual([333333333000, 666666666000, 1000000000000]);
    const masked = vcd.byPath.get(`${NIC_SCOPE}.vector_0.masked`)!;
    expect(vcd.changes.filter((c) => c.id === masked.id).map((c) => c.value)).toEqual(['0']);
  });

  it('starts every level unknown when older events were overwritten', () => {
    const g = busyMachine(16);
    expect(g.machine.log.evicted).toBeGreaterThan(0);
    const vcd = readVcd(toVcd(timelineOf(targetOf(g.machine)), { axis: 'ns', date: DATE }));
    expect([...vcd.initial.values()].every((v) => v === 'x')).toBe(true);
    expect(vcd.initial.size).toBe(2 + 4 * 2 + 1);
  });

  it('uses the shortest printable identifiers, many of them', () => {
    expect([0, 2, 3, 92, 93, 93 * 93 + 5].map(vcdIdentifier)).toEqual(['!', '#', '%', '~', '!"', '\'!"']);
    const g = Guest.nic({ vectors: 100, used: 'all' });
    const vcd = readVcd(toVcd(timelineOf(targetOf(g.machine)), { axis: 'seq', date: DATE }));
    expect(vcd.vars.size).toBe(2 + 100 * 3);
  });
});

describe('Perfetto trace export', () => {
  function trace(m: Machine, axis: 'ns' | 'seq' = 'ns'): ChromeTrace {
    return JSON.parse(JSON.stringify(toPerfettoTrace(timelineOf(targetOf(m)), axis))) as ChromeTrace;
  }

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
    const rows = readCsv(toCsv(timelineOf(targetOf(m))));
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
    for (const format of ['perfetto', 'csv'] as const) expect(exportTimeline(targetOf(opened.machine), format)).toBe(exportTimeline(targetOf(m), format));
    expect(toVcd(timelineOf(targetOf(opened.machine)), { axis: 'ns', date: DATE })).toBe(toVcd(timelineOf(targetOf(m)), { axis: 'ns', date: DATE }));
  });
});
