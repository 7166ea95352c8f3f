import { describe, expect, it } from 'vitest';
import { BAR1, NIC, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';

describe('viewAt', () => {
  it('answers reads from the machine as it was right after the event, until live again', () => {
    const host = hostWith(TWO_DEVICES);
    const d = host.dispatch;
    bringUpNic(host);
    value(d('writeMmio', { address: BAR1 + 12, size: 4, value: 1 }));
    value(d('fireVector', { bdf: NIC, vector: 0 }));
    const pended = value(d('status', {})).total - 1;
    value(d('writeMmio', { address: BAR1 + 12, size: 4, value: 0 }));
    const live = value(d('vectorSnapshot', { bdf: NIC }));
    expect(live.pba[0]).toBe(0);
    expect(live.delivered[0]).toBe(1);

    expect(value(d('viewAt', { seq: pended }))).toEqual({ seq: pended });
    const then = value(d('vectorSnapshot', { bdf: NIC }));
    expect(then.pba[0]).toBe(1);
    expect(then.delivered[0]).toBe(0);
    expect(then.table[3]).toBe(1);
    expect(then.why[0]!.text).toBe(`masked (vector bit) since #${pended - 1}, 1 notify pending`); // the mask write's VectorMasked, then the notify
    expect(value(d('interruptCounts', {})).rows).toEqual([]);
    expect(value(d('readConfigSpace', { bdf: NIC })).bytes[4]).toBe(6);

    expect(value(d('viewAt', { seq: null }))).toEqual({ seq: null });
    expect(value(d('vectorSnapshot', { bdf: NIC })).pba[0]).toBe(0);
    const refused = d('viewAt', { seq: 10_000 });
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining('viewAt.seq: no event #10000') });
  });
});
