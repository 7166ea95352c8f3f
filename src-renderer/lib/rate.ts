// The rate field of a vector row: raises per second, checked as the contract will
// check it, so a refusal says why next to the field instead of doing nothing.
import { MAX_APP_SOURCE_RATE, sourceRateProblem } from '../../src-shared/machine-file/description';

export type ParsedRate = { ok: true; rate: number } | { ok: false; error: string };

export function parseRate(text: string): ParsedRate {
  const t = text.trim().replace(/_/g, '');
  if (t === '') return { ok: false, error: 'type a rate in raises per second, e.g. 1000' };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return { ok: false, error: `'${text.trim()}' is not a rate: raises per second, e.g. 1000 or 2.5` };
  const rate = Number(t);
  const problem = sourceRateProblem(rate, MAX_APP_SOURCE_RATE);
  // Large rates with thousands separators, as the limit is written; small ones as typed.
  if (problem !== null) return { ok: false, error: `${problem} (got ${Math.abs(rate) >= 1 ? rate.toLocaleString('en-US') : t})` };
  return { ok: true, rate };
}
