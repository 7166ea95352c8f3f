// A checkpoint puts back everything a later run depends on, not only the arrays: the
// 0xCF8 latch, the ECAM window q35's PCIEXBAR opens, MSI's caches of Enable and the
// mask bits, the INTx pin. Restoring the first checkpoint after a run and running the
// same lines again must answer and log exactly what the first run did.
import { describe, expect, it } from 'vitest';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { restoreCheckpoint, takeCheckpoint } from '../../src-main/machine/checkpoint';
import { loadPreset } from '../doctor/preset';
import { eventsSince } from '../machine/guest';

const EDU = 0x20; // 00:04.0

describe('checkpoints', () => {
  it('restoring one brings back the 0xCF8 latch, ECAM and the MSI caches: the same lines answer and log the same again', () => {
    const m = loadPreset('q35-bridges', true);
    const cap = m.fn(EDU)!.msi!.capOffset;
    const script = [
      'inl 0xcfc', // the latch as built selects nothing: all ones
      'readl 0xb0000000', // ECAM is off as built
      'outl 0xcf8 0x80000060',
      'outl 0xcfc 0xb0000001',
      'readl 0xb0000000', // the host bridge's IDs through ECAM
      `outl 0xcf8 0x${((0x80002000 | cap) >>> 0).toString(16)}`,
      'outw 0xcfe 0x0001', // MSI Enable on edu: a FunctionMaskChanged event
      'inl 0xcfc',
    ];
    const cp = takeCheckpoint(m);
    const run = (): { replies: (string | null)[]; events: ReturnType<typeof eventsSince> } => {
      const from = m.log.total;
      const q = new QtestSession(m);
      return { replies: script.map((line) => q.execute(line)), events: eventsSince(m.log, from) };
    };
    const first = run();
    expect(first.replies[0]).toBe('OK 0xffffffff');
    expect(first.replies[4]).toBe('OK 0x0000000029c08086');
    expect(first.events.some((e) => e.kind === 'FunctionMaskChanged' && e.bdf === EDU)).toBe(true);
    restoreCheckpoint(m, cp);
    expect(m.bus.ecamWindow()).toBeNull();
    expect(run()).toEqual(first);
  });
});
