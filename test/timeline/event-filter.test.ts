import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../src-shared/timeline/event-filter';
import { eventRecord, type EventRecord } from '../../src-shared/timeline/event-record';
import type { EventColumns } from '../../src-shared/timeline/columns';
import { BAR1, NIC, TWO_DEVICES, bringUpNic, hostWith, value } from '../host/fixtures';

/** A run with every outcome: deliveries, a masked vector pending then delivered, drops with bus master off, a poke that is refused. */
function run(): { cols: EventColumns; records: EventRecord[] } {
  const host = hostWith(TWO_DEVICES);
  bringUpNic(host);
  const d = host.dispatch;
  const m = host.session.machine;
  for (let v = 0; v < 3; v++) value(d('writeMmio', { address: BAR1 + v * 16 + 8, size: 4, value: 0x40 + v }));
  value(d('writeMmio', { address: BAR1 + 16 + 12, size: 4, value: 0 }));
  for (let k = 0; k < 4; k++) {
    m.step(1_000_000);
    value(d('fireVector', { bdf: NIC, vector: k % 3 }));
  }
  value(d('writeMmio', { address: BAR1 + 32 + 12, size: 4, value: 0 })); // vector 2 pending -> delivered
  value(d('writeConfig', { bdf: NIC, offset: 4, size: 2, value: 0x0002 })); // bus master off
  m.step(1_500);
  value(d('fireVector', { bdf: NIC, vector: 0 }));
  value(d('fireVector', { bdf: NIC, vector: 1 }));
  host.session.history.ingest(m.log);
  const cols = host.session.history.slice(0, 1 << 20);
  const records = Array.from({ length: cols.kind.length }, (_, i) => eventRecord(cols, i));
  return { cols, records };
}

const { cols, records } = run();

function matching(filter: string): number[] {
  const compiled = compileFilter(filter);
  if (!compiled.ok) throw new Error(compiled.error);
  return records.filter((_, i) => compiled.matches === null || compiled.matches(cols, i, cols.firstSeq + i)).map((r) => r.seq);
}
const where = (p: (r: EventRecord) => boolean): number[] => records.filter(p).map((r) => r.seq);

describe('display filters in the syntax of Wireshark', () => {
  it('the run has the outcomes the tests need', () => {
    for (const kind of ['NotifyDelivered', 'NotifyPended', 'NotifyDropped', 'ConfigWrite', 'TableWrite', 'VectorUnmasked']) {
      expect(records.some((r) => r.kind === kind), kind).toBe(true);
    }
  });

  it('compares kind, vector and bdf as the issue writes them', () => {
    expect(matching('vector == 2 && kind == pended')).toEqual(where((r) => r.kind === 'NotifyPended' && r.vector === 2));
    expect(matching('bdf == 00:03.0 && !(kind == delivered)')).toEqual(where((r) => r.bdf === '00:03.0' && r.kind !== 'NotifyDelivered'));
    expect(matching('text contains "bus master"')).toEqual(where((r) => r.text.includes('bus master')));
    expect(matching('text contains "bus master"').length).toBeGreaterThan(0);
  });

  it('takes the words and symbols Wireshark takes: and/or/not/xor, eq/ne/lt/le/gt/ge, ~ and matches', () => {
    expect(matching('kind eq delivered or kind eq dropped')).toEqual(matching('kind == delivered || kind == dropped'));
    expect(matching('not kind == delivered and vector ge 1')).toEqual(where((r) => r.kind !== 'NotifyDelivered' && ['VectorMasked', 'VectorUnmasked', 'NotifyDelivered', 'NotifyPended', 'NotifyDropped', 'TableWrite', 'TableRead', 'PendingCleared', 'UseCountChanged', 'NotifyToMemory'].includes(r.kind) && r.vector >= 1));
    expect(matching('kind == delivered ^^ vector == 0')).toEqual(matching('(kind == delivered && !(vector == 0)) || (vector == 0 && !(kind == delivered))'));
    expect(matching('text matches "^vector [12] delivered"')).toEqual(where((r) => /^vector [12] delivered/.test(r.text)));
    expect(matching('text ~ "IDT vector 0x4[01]"')).toEqual(where((r) => /IDT vector 0x4[01]/.test(r.text)));
    expect(matching('seq >= 10 && seq < 14')).toEqual([10, 11, 12, 13]);
    expect(matching('seq lt 3')).toEqual([0, 1, 2]);
  });

  it('a field the event does not have makes the test false, and its negation true', () => {
    const notVector0 = matching('vector != 0');
    expect(notVector0.some((s) => records[s]!.kind === 'ConfigWrite')).toBe(false);
    expect(matching('!(vector == 0)').some((s) => records[s]!.kind === 'ConfigWrite')).toBe(true);
    expect(matching('idt')).toEqual(where((r) => r.kind === 'NotifyDelivered'));
  });

  it('time takes ns, us, ms and s exactly; bdf takes lspci notation or a number', () => {
    expect(matching('time >= 2ms && time < 3.0ms')).toEqual(where((r) => r.timeNs >= 2e6 && r.timeNs < 3e6));
    expect(matching('time == 4001500')).toEqual(matching('time == 4.0015ms'));
    expect(matching('time == 4001500').length).toBeGreaterThan(0);
    expect(matching('time == 4001.5us')).toEqual(matching('time == 0.0040015s'));
    expect(matching('bdf == 0x18')).toEqual(matching('bdf == 00:03.0'));
  });

  it('kind-specific fields: reason, idt, offset, value, effective, cause, data', () => {
    expect(matching('reason == "bus master disabled"')).toEqual(where((r) => r.kind === 'NotifyDropped' && r.text.includes('bus master')));
    expect(matching('reason contains "master"')).toEqual(matching('reason == "bus master disabled"'));
    expect(matching('idt == 0x41')).toEqual(where((r) => r.kind === 'NotifyDelivered' && (r.b & 0xff) === 0x41));
    expect(matching('kind == config && offset == 4 && value == 2')).toEqual(where((r) => r.kind === 'ConfigWrite' && r.a === 4 && r.b === 2));
    expect(matching('cause == "vector bit"')).toEqual(where((r) => (r.kind === 'VectorUnmasked' || r.kind === 'VectorMasked') && r.detail === 0));
    expect(matching('data == 0x42 && kind == delivered')).toEqual(where((r) => r.kind === 'NotifyDelivered' && r.b === 0x42));
    expect(matching('origin == device')).toEqual(where((r) => r.origin === 'device'));
  });

  it('in {…} takes values and inclusive ranges', () => {
    expect(matching('vector in {0 2} && kind == delivered')).toEqual(where((r) => r.kind === 'NotifyDelivered' && (r.vector === 0 || r.vector === 2)));
    expect(matching('seq in {1..3, 7}')).toEqual([1, 2, 3, 7]);
    expect(matching('kind in {delivered, "NotifyDropped"}')).toEqual(where((r) => r.kind === 'NotifyDelivered' || r.kind === 'NotifyDropped'));
  });

  it('kind names: full names in any case and the legend\'s short ones', () => {
    expect(matching('kind == NotifyPended')).toEqual(matching('kind == pended'));
    expect(matching('kind == notifypended')).toEqual(matching('kind == pended'));
    expect(matching('kind contains "notify"')).toEqual(where((r) => r.kind.startsWith('Notify')));
  });

  it('a blank filter lets every event through', () => {
    expect(compileFilter('  ')).toMatchObject({ ok: true, matches: null });
  });

  it('a bad expression says at which column and what was expected there', () => {
    const cases: [string, number, string][] = [
      ['vector ==', 10, 'expected a value after "==", found the end of the filter'],
      ['vectr == 3', 1, 'unknown field "vectr": fields are seq, time, kind'],
      ['vector == 3 &&', 15, 'expected a field name'],
      ['(vector == 3', 13, 'expected ")"'],
      ['vector == 3)', 12, 'expected "&&", "||" or the end of the filter'],
      ['kind == pendd', 9, 'unknown kind "pendd": expected one of delivered, pended'],
      ['kind < pended', 6, 'kind has no order'],
      ['vector contains 3', 8, 'vector is a number'],
      ['time > 1.5', 8, 'expected a time such as 1500, 1.5us'],
      ['time > 1.0000000001s', 8, '1.0000000001s is finer than 1 ns'],
      ['bdf == 00:33.0', 8, 'expected a bus:device.function'],
      ['text contains "open', 15, 'this string has no closing "'],
      ['vector = 3', 8, 'unexpected character "="'],
      ['vector in 3', 11, 'expected "{" after "in"'],
      ['vector in {}', 12, 'expected a value'],
      ['text matches "("', 14, 'not a regular expression'],
      ['vector 3', 8, 'expected a comparison'],
    ];
    for (const [text, column, message] of cases) {
      const compiled = compileFilter(text);
      expect(compiled.ok, text).toBe(false);
      if (compiled.ok) continue;
      expect(compiled.column, text).toBe(column);
      expect(compiled.error, text).toContain(`column ${column}: ${message}`);
    }
  });
});
