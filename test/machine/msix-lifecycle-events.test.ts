// Removal through the function, resets recorded as events, and polling only covered vectors.
import { describe, expect, it } from 'vitest';
import { ENABLE, Guest, RecordingNotifiers } from './guest';

describe('MSI-X lifecycle', () => {
  it('X2/X5: after removal the function reports MSI-X neither present nor enabled', () => {
    const g = Guest.nic({ used: 'all' });
    g.setup();
    g.writeControl(ENABLE);
    expect(g.fn.msixPresent).toBe(true);
    expect(g.fn.msixEnabled).toBe(true);
    g.fn.removeMsix();
    expect(g.fn.msix).toBeNull();
    expect(g.fn.msixPresent).toBe(false);
    expect(g.fn.msixEnabled).toBe(false);
    // D1 without MSI-X: the raise goes to INTx.
    g.markEvents();
    g.fn.raise(0);
    expect(g.kinds()).toEqual(['IntxChanged']);
  });

  it('X1: a device reset and an MSI-X reset are each one Reset event of their own', () => {
    const g = Guest.nic({ used: 'all' });
    g.markEvents();
    g.fn.reset();
    const resets = g.eventsOf('Reset').map((e) => e.detail);
    expect(resets).toEqual([0, 2]);
    g.markEvents();
    g.engine.reset();
    expect(g.eventsOf('Reset').map((e) => e.detail)).toEqual([2]);
  });

  it('X1: a reset that clears Enable records the function becoming masked (timelines stay in step)', () => {
    const g = Guest.nic({ used: 'all' });
    g.writeControl(ENABLE);
    g.markEvents();
    g.engine.reset();
    const change = g.eventsOf('FunctionMaskChanged');
    expect(change).toHaveLength(1);
    expect(change[0]).toMatchObject({ a: 1, detail: 0 });
  });

  it('P2: a PBA read past the last vector covers no vector, so the poll notifier is not called', () => {
    const g = Guest.nic({ vectors: 3 });
    const n = new RecordingNotifiers(true);
    g.engine.setVectorNotifiers(n);
    n.take();
    g.read(g.pbaAddr(4), 4);
    expect(n.take()).toEqual([]);
    g.read(g.pbaAddr(0), 4);
    expect(n.take()).toEqual([['poll', 0, 3]]);
  });
});
