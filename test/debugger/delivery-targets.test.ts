// A1 once: `break deliver CPU` hits exactly the CPUs the local APIC counted a message
// on, for every kind of destination, every delivery mode and CPU counts from 1 to 32.
// The matcher reads the CPUs the APIC recorded (delivered-cpus.ts) instead of resolving
// the destination again. Its earlier twin resolved it itself and differed from the APIC
// on the reserved delivery modes 3 and 6: it had them reach their destination, where
// the APIC delivers nothing (QEMU's `default: return;`). Modes 3 and 6 are in the sweep.
import { describe, expect, it } from 'vitest';
import { Guest, NIC, apicAddress } from '../machine/guest';
import { EventKind } from '../../src-shared/timeline/event-schema';

const MODES = [0, 1, 2, 3, 4, 5, 6, 7];

/** The CPUs whose fixed/lowest-priority or special-mode counters grew. */
function countedCpus(g: Guest, before: Float64Array, beforeSpecial: Float64Array): number[] {
  const apic = g.machine.apic;
  const out: number[] = [];
  for (let cpu = 0; cpu < apic.cpus; cpu++) {
    let grew = false;
    for (let i = 0; i < 256; i++) if (apic.counts[cpu * 256 + i] !== before[cpu * 256 + i]) grew = true;
    for (let i = 0; i < 8; i++) if (apic.special[cpu * 8 + i] !== beforeSpecial[cpu * 8 + i]) grew = true;
    if (grew) out.push(cpu);
  }
  return out;
}

describe('delivery breakpoints agree with the APIC (A1)', () => {
  it.each([1, 2, 3, 4, 8, 31, 32])('A1: with %d CPUs, every destination and mode hits the CPUs the message reached', (cpus) => {
    const g = Guest.nic({ cpus });
    const ids = Array.from({ length: cpus }, (_, cpu) => {
      const r = g.machine.debugger.add({ kind: 'delivery', cpu, idtVector: null, tracepoint: true }, true);
      if (!r.ok) throw new Error(r.error);
      return r.value.id;
    });
    const dests = [...new Set([0, 1, cpus - 1, cpus, 31, 32, 33, 0x3f, 0x80, 0xfe, 0xff])];
    let reached = 0;
    for (const logical of [false, true]) {
      for (const dest of dests) {
        for (const mode of MODES) {
          const counts = g.machine.apic.counts.slice();
          const special = g.machine.apic.special.slice();
          const from = g.machine.log.total;
          g.machine.deliver(NIC, 0, apicAddress(dest, logical), 0, (mode << 8) | 0x41);
          const hit = new Set<number>();
          const events = g.machine.log.slice(from, g.machine.log.total);
          for (let k = 0; k < events.kind.length; k++) if (events.kind[k] === EventKind.Breakpoint) hit.add(ids.indexOf(events.a[k]!));
          const counted = countedCpus(g, counts, special);
          expect({ logical, dest, mode, hit: [...hit].sort((x, y) => x - y) }).toEqual({ logical, dest, mode, hit: counted });
          reached += counted.length;
        }
      }
    }
    // The sweep reaches CPUs in every configuration (not only drops).
    expect(reached).toBeGreaterThan(0);
  });
});
