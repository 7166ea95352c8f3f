// Virtual time in nanoseconds. Hosts advance it (qtest's clock_step, real time in
// the app); timers fire in due order and see `now` equal to their due time.
export type TimerCallback = () => void;

export interface Timer {
  readonly id: number;
  due: number;
  period: number;
  readonly callback: TimerCallback;
}

export class Clock {
  now = 0;
  /** Set by the debugger when a breakpoint hits; stops an advance at the current event. */
  halted = false;
  private readonly timers: Timer[] = [];
  private nextId = 1;

  /** A periodic timer; the first firing is one period from now. */
  every(periodNs: number, callback: TimerCallback): Timer {
    if (!(periodNs > 0)) throw new RangeError(`timer period must be positive, got ${periodNs}`);
    const timer: Timer = { id: this.nextId++, due: this.now + periodNs, period: periodNs, callback };
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

  /**
   * Advances to `target` (absolute ns), firing due timers on the way. Returns false
   * when it stopped early because the machine halted or `maxFirings` ran out.
   */
  advanceTo(target: number, maxFirings = Infinity): boolean {
    let fired = 0;
    while (!this.halted) {
      let next: Timer | undefined;
      for (const t of this.timers) if (t.due <= target && (next === undefined || t.due < next.due)) next = t;
      if (next === undefined) {
        if (target > this.now) this.now = target;
        return true;
      }
      if (fired >= maxFirings) return false;
      if (next.due > this.now) this.now = next.due;
      next.due += next.period;
      fired++;
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
