// A machine that has been through a bit of everything, for round trips and exports:
// two devices (one without MSI-X, its INTx asserted), vectors delivered to several
// CPUs, an NMI, a message into RAM, a pending bit, a drop, use counts above 1, an
// interval source with a fractional period mid-way, the 0xCF8 latch set, a log small
// enough to have evicted events, and breakpoints with hit counts.
import { Guest, build, nicDescription, apicAddress, CTRL, ENABLE, MASKALL } from '../machine/guest';
import type { Machine } from '../../src-main/machine/machine';
import { CONFIG_ADDRESS_PORT } from '../../src-main/machine/pci/pci-host';

export const LEGACY = 0x20; // 00:04.0

export function busyMachine(logCapacity = 64): Guest {
  const desc = nicDescription({ vectors: 4, used: [0, 1, 2], logCapacity });
  desc.devices!.push({ bdf: '00:04.0', name: 'legacy', vendor: '0x8086', device: '0x100e', class: '0x020000', bars: [{ index: 0, type: 'mem32', size: '0x1000' }] });
  const g = new Guest(build(desc));
  g.setup();
  const m = g.machine;
  g.writeControl(ENABLE);
  g.program(0, apicAddress(1), 0x41);
  g.program(1, apicAddress(2), 0x400); // NMI
  g.program(2, 0x2000, 0xabcd, true); // into RAM, masked for now
  for (const v of [0, 0, 0, 1, 1, 2, 3]) g.engine.notify(v);
  for (let k = 0; k < 40; k++) m.memory.read(0xe0000000 + 16 * (k % 4), 4); // enough table reads to overflow a small log
  g.use(0);
  m.memory.write(0x8000, 4, 0xcafef00d);
  m.raise(m.fn(LEGACY)!, 0);
  m.startSource(g.fn, 0, 3);
  m.step(1e9);
  m.io.write(CONFIG_ADDRESS_PORT, 4, 0x80001810);
  const dbg = m.debugger;
  dbg.add({ kind: 'unmask', bdf: g.bdf, vectors: [2] }, false);
  dbg.add({ kind: 'notify', bdf: g.bdf, vectors: 'any', outcomes: ['delivered'], condition: { minHits: 100 } });
  g.engine.notify(0);
  return g;
}

/**
 * Busy, with a log large enough to hold everything since the build (so exports start
 * from the built state), and more mask traffic: function mask on and off, MSI-X off
 * and on, a vector unmasked with its pending bit set.
 */
export function completeMachine(): Guest {
  const g = busyMachine(1 << 12);
  if (g.machine.log.evicted !== 0) throw new Error('the busy machine overflowed its log');
  g.writeControl(ENABLE | MASKALL);
  g.engine.notify(0);
  g.writeControl(ENABLE);
  g.writeControl(0);
  g.writeControl(ENABLE);
  g.writeEntry(2, CTRL, 0);
  return g;
}

/** Everything observable about a machine, as plain data. */
export function stateOf(m: Machine): unknown {
  const log = m.log;
  const cols = log.slice(log.firstSeq, log.total);
  return {
    functions: m.functions().map((fn) => ({
      bdf: fn.bdf,
      config: Array.from(fn.config.bytes),
      writable: Array.from(fn.config.writable),
      w1c: Array.from(fn.config.w1c),
      bars: fn.bars.map((b) => b?.mappedAt ?? null),
      intx: fn.intxOutput,
      msix: fn.msix && {
        table: Array.from(fn.msix.table),
        pba: Array.from(fn.msix.pba),
        useCount: Array.from(fn.msix.useCount),
        delivered: Array.from(fn.msix.delivered),
        functionMasked: fn.msix.functionMasked,
        enabled: fn.msix.enabled,
      },
    })),
    apic: Array.from(m.apic.counts),
    special: Array.from(m.apic.special),
    now: m.clock.now,
    halted: m.clock.halted,
    sources: m.listSources().map((s) => [s.bdf, s.vector, s.ratePerSecond, s.timer.due, s.timer.carry, s.timer.period]),
    log: {
      total: log.total,
      evicted: log.evicted,
      retained: log.retained,
      columns: Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v as ArrayLike<number>)])),
    },
    ram: m.ram.map((r) => Buffer.from(r.readBytes(0, r.size)).toString('base64')),
    latch: m.io.resolve(CONFIG_ADDRESS_PORT).region!.handler!.read(0, 4),
    memoryMap: m.memory.mapped().map((r) => [r.name, r.base, r.end]),
    ioMap: m.io.mapped().map((r) => [r.name, r.base, r.end]),
    debugger: m.debugger.state(),
  };
}

