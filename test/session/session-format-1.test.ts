// Files written before the event schema (session format 1, --events lines without
// `fields`) open and read right: the local APIC's drops held the APIC ID where every
// other drop holds the message address.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openSession, readSessionInfo } from '../../src-main/session/session-file';
import { readEventsFile } from '../../src-main/cli/events-file';
import { eventRecord } from '../../src-shared/timeline/event-record';
import { EventKind } from '../../src-shared/timeline/event-schema';
import type { EventColumns } from '../../src-shared/timeline/columns';
import { diagnose } from '../../src-shared/doctor/doctor';

const DIR = join(__dirname, '../fixtures/sessions');
const drops = (cols: EventColumns) =>
  Array.from({ length: cols.kind.length }, (_, i) => i)
    .filter((i) => cols.kind[i] === EventKind.NotifyDropped)
    .map((i) => eventRecord(cols, i))
    .map((r) => ({ vector: r.vector, text: r.text, fields: r.fields }));

const EXPECTED = [
  { vector: 0, text: 'vector 0 dropped: no such CPU', fields: { vector: 0, reason: 5, address: 0xfee05000, data: 0x41 } },
  { vector: 1, text: 'vector 1 dropped: reserved delivery mode', fields: { vector: 1, reason: 8, address: 0xfee00000, data: 0x342 } },
];

describe('session format 1', () => {
  it('opens, and its APIC drops hold the message address', () => {
    expect(readSessionInfo(join(DIR, 'format-1-apic-drops.irqsession'))).toMatchObject({ ok: true, info: { version: 1, events: { total: 23 } } });
    const r = openSession(join(DIR, 'format-1-apic-drops.irqsession'));
    if (!r.ok) throw new Error(r.error);
    const log = r.machine.log;
    expect(drops(log.slice(0, log.total))).toEqual(EXPECTED);
  });

  it('an --events file of then reads the same, and the doctor names the APIC ID from the address', () => {
    const r = readEventsFile(join(DIR, 'format-1-apic-drops.events.jsonl'));
    if (!r.ok) throw new Error(r.error);
    expect(drops(r.columns)).toEqual(EXPECTED);
    expect(diagnose(r.columns).find((f) => f.rule === 'DR-NO-SUCH-CPU')?.why).toMatch(/names APIC ID 5 \(Message Address bits 19:12\)/);
  });
});
