// The state sessions and checkpoints save, through the engine's and the PCI host's own
// methods: a saved state is a copy, putting it back into a machine of the same
// description restores what the guest sees and what follows from config, and a state
// of another shape is refused with nothing changed.
import { describe, expect, it } from 'vitest';
import { ENABLE, Guest, MASKALL, apicAddress, build, nicDescription } from './guest';

function busy(): Guest {
  const g = Guest.nic({ used: 'all' });
  for (let v = 0; v < 3; v++) g.program(v, apicAddress(1), 0x40 + v, v === 2);
  g.writeControl(ENABLE);
  g.engine.notify(0);
  g.engine.notify(2);
  return g;
}

describe('MSI-X engine state', () => {
  it('saveState copies table, PBA, use and delivered counts; restoreState puts them back with the function mask from config', () => {
    const g = busy();
    const saved = g.engine.saveState();
    g.engine.notify(1);
    g.writeEntry(0, 8, 0x99);
    expect(Array.from(saved.delivered)).toEqual([1, 0, 0]);
    expect(saved.table[2]).toBe(0x40);

    const other = new Guest(build(nicDescription({ used: 'all' })));
    other.fn.config.bytes.set(g.fn.config.bytes);
    expect(other.engine.functionMasked).toBe(true);
    other.engine.restoreState(saved);
    expect(Array.from(other.engine.table)).toEqual(Array.from(saved.table));
    expect(other.engine.isPending(2)).toBe(true);
    expect(Array.from(other.engine.delivered)).toEqual([1, 0, 0]);
    expect(other.engine.functionMasked).toBe(false);
    expect(other.engine.enabled).toBe(true);
  });

  it('refuses a state of another shape and changes nothing', () => {
    const g = busy();
    const small = Guest.nic({ vectors: 2 }).engine.saveState();
    const before = g.engine.saveState();
    expect(() => g.engine.restoreState(small)).toThrow(RangeError);
    expect(g.engine.saveState()).toEqual(before);
  });

  it('blankState has the engine shape, all zeros', () => {
    const s = Guest.nic({ vectors: 65 }).engine.blankState();
    expect([s.table.length, s.pba.length, s.useCount.length, s.delivered.length]).toEqual([65 * 4, 4, 65, 65]);
    expect([...s.table, ...s.pba, ...s.useCount, ...s.delivered].every((x) => x === 0)).toBe(true);
  });
});

describe('PCI host state', () => {
  it('saves the 0xCF8 latch; restoring sets it and maps BARs, INTx and the MSI-X caches from config', () => {
    const g = busy();
    g.machine.io.write(0xcf8, 4, 0x80001884);
    g.writeControl(ENABLE | MASKALL);
    const state = g.machine.bus.saveState();
    expect(state).toEqual({ configAddress: 0x80001884 });

    const other = new Guest(build(nicDescription({ used: 'all' })));
    other.fn.config.bytes.set(g.fn.config.bytes);
    other.machine.bus.restoreState(state);
    expect(other.machine.io.read(0xcf8, 4)).toBe(0x80001884);
    expect(other.machine.io.read(0xcfc, 4)).toBe(g.machine.io.read(0xcfc, 4));
    expect(other.fn.bars[1]!.mappedAt).toBe(g.fn.bars[1]!.mappedAt);
    expect(other.engine.functionMasked).toBe(true);
    expect(other.engine.functionMaskBit).toBe(true);
  });
});
