// The app's rate field takes exactly the rates the app's requests take: the shared
// source-rate limits at the app's maximum (test/machine-file/source-rate.test.ts has
// the machine, qtest and the contract).
import { describe, expect, it } from 'vitest';
import { MAX_APP_SOURCE_RATE, MAX_SOURCE_RATE, MIN_SOURCE_RATE, sourceRateProblem } from '../../src-shared/machine-file/description';
import { parseRate } from '../../src-renderer/lib/rate';

describe('the rate field and the source-rate limits', () => {
  it.each([-1, 0, MIN_SOURCE_RATE / 2, MIN_SOURCE_RATE, 1, 2.5, MAX_APP_SOURCE_RATE, MAX_APP_SOURCE_RATE + 1, MAX_SOURCE_RATE])('takes %d exactly when the limits allow it', (rate) => {
    const problem = sourceRateProblem(rate, MAX_APP_SOURCE_RATE);
    const parsed = parseRate(String(rate));
    expect(parsed.ok).toBe(problem === null);
    if (!parsed.ok) expect(parsed.error.startsWith(`${problem!} (got `)).toBe(true);
  });
});
