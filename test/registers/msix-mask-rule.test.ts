// M1 and M2 as one truth table, and the engine agreeing with it in every state a
// guest can put a vector in (Enable, Function Mask, the vector's bit).
import { describe, expect, it } from 'vitest';
import { functionMasked, vectorMasked } from '../../src-shared/registers/msix-mask-rule';
import { CTRL, ENABLE, Guest, MASKALL } from '../machine/guest';

const BOOLS = [false, true];

describe('the mask rule (M1, M2)', () => {
  it('M1: the function is masked while MSI-X is disabled or Function Mask is set', () => {
    expect(BOOLS.flatMap((enabled) => BOOLS.map((fmask) => functionMasked(enabled, fmask)))).toEqual([true, true, false, true]);
  });

  it('M2: a vector is masked by its own bit or by the function', () => {
    expect(BOOLS.flatMap((bit) => BOOLS.map((fn) => vectorMasked(bit, fn)))).toEqual([false, true, true, true]);
  });

  it('M1/M2: the engine masks exactly the vectors the rule masks, in all eight states', () => {
    const g = Guest.nic();
    for (const enabled of BOOLS) {
      for (const fmask of BOOLS) {
        for (const bit of BOOLS) {
          g.writeControl((enabled ? ENABLE : 0) | (fmask ? MASKALL : 0));
          g.writeEntry(0, CTRL, bit ? 1 : 0);
          expect(g.engine.functionMasked).toBe(functionMasked(enabled, fmask));
          expect(g.engine.maskBit(0)).toBe(bit);
          expect(g.engine.isMasked(0)).toBe(vectorMasked(bit, functionMasked(enabled, fmask)));
        }
      }
    }
  });
});
