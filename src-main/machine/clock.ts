// Virtual time in whole nanoseconds. Hosts advance it (qtest's clock_step, real time in
// the app); timers fire in due order and see `now` equal to their due time.
//
// Time is a double holding an integer, so it is exact only up to 2^53: past that a
// double cannot add a 1 ns period (`due += 1` changes nothing) and an advance would
// never end. The clock therefore ends at MAX_TIME_NS (about 104 days) and refuses to
// go further. A period is a fraction of whole numbers (1e9/3 ns for three firings a
// second): due times stay whole and the remainder is carried from firing to firing
// in integers, so the firings keep the exact rate and `now` never holds a fraction.
export type TimerCallback = () => void;

/** The last nanosecond the clock reaches: 2^53 − 1, about 104 days. */
export const MAX_TIME_NS = Number.MAX_SAFE_INTEGER;

export interface Timer {
  readonly id: number;
  /** Whole ns. */
  due: number;
  /** ns, for estimates (how many firings until some time): the exact period is whole + rem/den. */
  readonly period: number;
  readonly whole: number;
  readonly rem: number;
  readonly den: number;
  /** Remainders carried so far, in [0, den). */
  carry: number;
  readonly callback: TimerCallback;
}

/** A period of `num`/`den` ns, both whole and at most 2^53. */
export interface Period {
  num: number;
  den: number;
}

/**
 * The period of something happening `perSecond` times a second: exact when the rate
 * has at most six decimals (3, 0.5, 1234.5), else within a millionth of a ns.
 */
export function periodOfRate(perSecond: number): Period {
  for (let den = 1; den <= 1e6; den *= 10) {
    const scaled = Math.round(perSecond * den);
    if (scaled >= 1 && Math.abs(scaled - perSecond * den) < 1e-9 * scaled) return { num: 1e9 * den, den: scaled };
  }
  const period = 1e9 / perSecond;
  if (period > 1e9) return { num: Math.min(Math.round(period), MAX_TIME_NS), den: 1 };
  return { num: Math.round(period * 1e6), den: 1e6 };
}

/** Why an advance to `target` cannot be made, or null when it can. */
export function clockRangeError(target: number): string | null {
  if (target <= MAX_TIME_NS) return null;
  const shown = Number.isSafeInteger(target) ? String(target) : target.toExponential(4);
  return `${shown} ns is past the end of virtual time (2^53 - 1 = ${MAX_TIME_NS} ns, about 104 days)`;
}

export class Clock {
  now = 0;
  /** Set by the debugger when a breakpoint hits; stops an advance at the current event. */
  halted = false;
  /** Timer firings since the clock was made (never reset): how far an advance run in slices got. */
  fired = 0;
  private readonly timers: Timer[] = [];
  private nextId = 1;

  /** A periodic timer of period.num/period.den ns (at least 1 ns); the first firing is one period (rounded down) from now. */
  every(period: Period, callback: TimerCallback): Timer {
    const { num, den } = period;
    if (!(Number.isSafeInteger(num) && Number.isSafeInteger(den) && den >= 1 && num >= den)) {
      throw new RangeError(`timer period must be at least 1 ns as whole numbers num/den, got ${num}/${den}`);
    }
    const whole = Math.floor(num / den);
    const rem = num - whole * den;
    const timer: Timer = { id: this.nextId++, due: this.now + whole, period: num / den, whole, rem, den, carry: rem, callback };
    this.timers.push(timer);
    return timer;
  }

  cancel(timer: Timer): void {
    const i = this.timers.indexOf(timer);
    if (i >= 0) this.timers.splice(i, 1);
  }

  get timerCount(): number {
    return this.timers.length;
  }

  /** Time of the next timer due, or Infinity. */
  nextDue(): number {
    let due = Infinity;
    for (const t of this.timers) if (t.due < due) due = t.due;
    return due;
  }

  /** Sets the time a restored session was saved at. */
  setNow(ns: number): void {
    if (!Number.isSafeInteger(ns) || ns < 0) throw new RangeError(`virtual time must be a whole number of ns in 0..${MAX_TIME_NS}, got ${ns}`);
    this.now = ns;
  }

  /**
   * Advances to `target` (absolute ns, rounded down to a whole ns), firing due timers
   * on the way. Returns false when it stopped early because the machine halted or
   * `maxFirings` ran out. A target past MAX_TIME_NS is refused (RangeError) before
   * anything moves: hosts check clockRangeError first.
   */
  advanceTo(target: number, maxFirings = Infinity): boolean {
    const problem = clockRangeError(target);
    if (problem !== null) throw new RangeError(problem);
    const end = Math.floor(target);
    let fired = 0;
    while (!this.halted) {
      let next: Timer | undefined;
      for (const t of this.timers) if (t.due <= end && (next === undefined || t.due < next.due)) next = t;
      if (next === undefined) {
        if (end > this.now) this.now = end;
        return true;
      }
      if (fired >= maxFirings) return false;
      if (next.due > this.now) this.now = next.due;
      // The whole part of the period, plus one ns whenever the carried remainders make one.
      next.due += next.whole;
      next.carry += next.rem;
      if (next.carry >= next.den) {
        next.carry -= next.den;
        next.due++;
      }
      fired++;
      this.fired++;
      next.callback();
    }
    return false;
  }

  reset(): void {
    this.timers.length = 0;
    this.now = 0;
    this.halted = false;
  }
}
