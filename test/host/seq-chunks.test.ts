import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SeqChunks } from '../../src-main/host/seq-chunks';

/** A list of ascending keys (with repeats) over several chunks, its oldest `dropped` entries gone. */
function listOf(gaps: number[], dropped: number): { list: SeqChunks; keyOf: (s: number) => number } {
  const list = new SeqChunks();
  let seq = 0;
  for (const gap of gaps) list.push((seq += gap) >>> 0);
  list.dropBelow(Math.min(dropped, list.end));
  return { list, keyOf: (s) => s };
}

describe('seq chunks', () => {
  it('a run pushed at once is the entries pushed one by one, across chunk ends', () => {
    const one = new SeqChunks();
    const run = new SeqChunks();
    for (const [from, n] of [[5, 1000], [2000, 3000], [9000, 1]] as const) {
      for (let k = 0; k < n; k++) one.push(from + k);
      run.pushRun(from, n);
    }
    expect(run.end).toBe(one.end);
    for (let pos = 0; pos < one.end; pos++) if (run.at(pos) !== one.at(pos)) throw new Error(`position ${pos}`);
    // The low 32 bits of a run that crosses 2^32.
    const wrap = new SeqChunks();
    wrap.pushRun(2 ** 32 - 2, 4);
    expect([0, 1, 2, 3].map((p) => wrap.at(p))).toEqual([2 ** 32 - 2, 2 ** 32 - 1, 0, 1]);
  });

  it('lowerBoundNear answers as lowerBound, whatever the guess', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: -10, max: 16000 }),
        fc.integer({ min: -10, max: 3100 }),
        fc.integer({ min: -10, max: 3100 }),
        (gaps, dropped, key, from, guess) => {
          const { list, keyOf } = listOf(gaps, dropped);
          expect(list.lowerBoundNear(key, keyOf, from, guess)).toBe(list.lowerBound(key, keyOf, from));
        },
      ),
      { numRuns: 500 },
    );
  });
});
