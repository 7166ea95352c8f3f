// One set of source-rate limits: the machine, qtest's source_start, the app's request
// contract (and the app's rate field: test/renderer/rate-limits.test.ts) refuse exactly the rates sourceRateProblem refuses,
// each at its own maximum (the machine's one firing per nanosecond, the app's 10 M/s).
import { describe, expect, it } from 'vitest';
import { MAX_APP_SOURCE_RATE, MAX_SOURCE_RATE, MIN_SOURCE_RATE, sourceRateProblem } from '../../src-shared/machine-file/description';
import { requests } from '../../src-shared/ipc/contract';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { Guest, NIC } from '../machine/guest';

const EDGES = [0, -1, Number.NaN, MIN_SOURCE_RATE / 2, MIN_SOURCE_RATE, 1, 3, MAX_APP_SOURCE_RATE, MAX_APP_SOURCE_RATE + 1, MAX_SOURCE_RATE, MAX_SOURCE_RATE + 1, Infinity];

describe('source-rate limits', () => {
  it('sourceRateProblem: above 0, at least one firing per 2^53 ns, at most the given maximum', () => {
    expect(EDGES.map((r) => sourceRateProblem(r) === null)).toEqual([false, false, false, false, true, true, true, true, true, true, false, false]);
    expect(sourceRateProblem(MAX_APP_SOURCE_RATE + 1, MAX_APP_SOURCE_RATE)).toBe('at most 10,000,000 per second');
    expect(sourceRateProblem(MIN_SOURCE_RATE / 2)).toBe('expected at least 1.1e-7 per second (one firing every 104 days)');
  });

  it('the machine starts exactly the sources the limits allow', () => {
    const g = Guest.nic();
    for (const rate of EDGES) {
      const started = (() => {
        try {
          g.machine.startSource(g.fn, 0, rate);
          return true;
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
          return false;
        }
      })();
      expect([rate, started]).toEqual([rate, sourceRateProblem(rate) === null]);
    }
  });

  it("the app's request contract allows exactly the rates up to the app's maximum", () => {
    for (const rate of EDGES) {
      const allowed = sourceRateProblem(rate, MAX_APP_SOURCE_RATE) === null;
      expect([rate, requests.startSource.params.safeParse({ bdf: NIC, vector: 0, ratePerSecond: rate }).success]).toEqual([rate, allowed]);
    }
  });

  it('qtest source_start takes whole rates from 1 to the machine maximum', () => {
    const q = new QtestSession(Guest.nic().machine);
    const reply = (rate: string): string | null => q.execute(`source_start 00:03.0 0 ${rate}`);
    expect(['1', '3', String(MAX_APP_SOURCE_RATE + 1), String(MAX_SOURCE_RATE)].map(reply)).toEqual(['OK', 'OK', 'OK', 'OK']);
    for (const rate of ['0', String(MAX_SOURCE_RATE + 1)]) expect(reply(rate)).toBe(`FAIL source_start: rate '${rate}' must be a whole number of raises per second in 1..1000000000`);
  });
});
