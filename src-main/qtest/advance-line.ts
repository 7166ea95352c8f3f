// qtest lines that drive the clock (clock_step, clock_set, continue, step, until) and
// have more to fire than one slice: the line pump resumes them a slice at a time, with
// the event loop run in between, so a step of minutes reports progress, stops at
// Ctrl+C and lets other clients in. A line that must wait for another's advance to end
// (the clock has one driver) waits as a LongLine too, and starts when the clock is free.
import type { Clock } from '../machine/clock';
import type { Underway } from '../machine/debugger/underway';
import type { LineProgress, LongLine } from './line-pump';

/**
 * Firings one slice runs: a notify costs 50 ns to a few µs, so a slice is well under
 * the pump's 20 ms turn and the pump checks the time between them.
 */
export const SLICE_FIRINGS = 1 << 14;

export class AdvanceLine implements LongLine {
  readonly waiting = false;

  private constructor(
    private readonly command: string,
    private readonly work: Underway<unknown>,
    private readonly clock: Clock,
    /** One slice: the line's reply once the work ended, else null. */
    private readonly slice: () => string | null,
    /** Any reply of the line, after the asynchronous lines announced before it. */
    private readonly announced: (reply: string) => string,
  ) {}

  /** The line of `work`, answered `reply(outcome)` when it ends. */
  static of<T>(command: string, work: Underway<T>, clock: Clock, reply: (outcome: T) => string, announced: (reply: string) => string): AdvanceLine {
    const slice = (): string | null => {
      const outcome = work.proceed(SLICE_FIRINGS);
      return outcome === null ? null : announced(reply(outcome));
    };
    return new AdvanceLine(command, work, clock, slice, announced);
  }

  resume(): string | null {
    return this.slice();
  }

  /** Runs the rest at once, for a caller that answers a line before it returns. */
  finish(): string {
    let reply = this.resume();
    while (reply === null) reply = this.resume();
    return reply;
  }

  stop(why: string): string {
    const { firings, targetNs } = this.work;
    const dropped = this.work.abandon();
    const rest = dropped === 0 ? '' : `; ${dropped} queued action${dropped === 1 ? '' : 's'} dropped`;
    return this.announced(
      `FAIL ${this.command}: interrupted by ${why} at ${this.clock.now} ns after ${firings} firing${firings === 1 ? '' : 's'}, short of ${targetNs} ns (virtual time stays there${rest})`,
    );
  }

  progress(): LineProgress {
    return { command: this.command, nowNs: this.clock.now, targetNs: this.work.targetNs, firings: this.work.firings };
  }
}

/** A clock line sent while another line's advance is under way: it starts once the clock is free. */
export class WaitingLine implements LongLine {
  private started: LongLine | null = null;

  constructor(
    private readonly command: string,
    private readonly line: string,
    private readonly clockBusy: () => boolean,
    private readonly start: (line: string) => string | LongLine,
  ) {}

  get waiting(): boolean {
    return this.started === null;
  }

  resume(): string | null {
    if (this.started !== null) return this.started.resume();
    if (this.clockBusy()) return null;
    const reply = this.start(this.line);
    if (typeof reply === 'string') return reply;
    this.started = reply;
    return null;
  }

  stop(why: string): string {
    if (this.started !== null) return this.started.stop(why);
    return `FAIL ${this.command}: stopped by ${why} while waiting for another line's advance to end; nothing changed`;
  }

  progress(): LineProgress | null {
    return this.started?.progress() ?? null;
  }
}
