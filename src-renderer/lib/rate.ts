// The rate field of a vector row: raises per second, checked as the contract will
// check it, so a refusal says why next to the field instead of doing nothing.
import { MAX_APP_SOURCE_RATE } from '../../src-shared/ipc/contract';

export type ParsedRate = { ok: true; rate: number } | { ok: false; error: string };

export function parseRate(text: string): ParsedRate {
  const t = text.trim().replace(/_/g, '');
  if (t === '') return { ok: false, error: 'type a rate in raises per second, e.g. 1000' };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return { ok: false, error: `'${text.trim()}' is not a rate: raises per second, e.g. 1000 or 2.5` };
  const rate = Number(t);
  if (!(rate > 0)) return { ok: false, error: `the rate must be above 0 (got ${t})` };
  if (rate > MAX_APP_SOURCE_RATE) return { ok: false, error: `at most ${MAX_APP_SOURCE_RATE.toLocaleString('en-US')} per second (got ${rate.toLocaleString('en-US')})` };
  return { ok: true, rate };
}
