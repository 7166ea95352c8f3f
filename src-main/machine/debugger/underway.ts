// An advance or a resume that the debugger began with a budget of firings which ran out
// before it ended. A host that must stay responsive (the qtest line pump) runs it on a
// slice at a time, with the event loop in between; the firings happen in the same order
// as in one call, so a sliced run ends in the same state as an unsliced one.
import type { Clock } from '../clock';

export interface UnderwaySteps<T> {
  /** Runs at most `firings` more firings: the outcome once the work ended, else null. */
  proceed(firings: number): T | null;
  /** Ends the work where it stands; answers how many queued actions it dropped. */
  abandon(): number;
  /** The target (ns) of the advance running now. */
  targetNs(): number;
}

export class Underway<T> {
  private readonly firedAtStart: number;

  constructor(
    private readonly clock: Clock,
    firedAtStart: number,
    private readonly steps: UnderwaySteps<T>,
  ) {
    this.firedAtStart = firedAtStart;
  }

  /** Runs at most `firings` more firings: the outcome once the work ended, else null (call again). */
  proceed(firings: number): T | null {
    return this.steps.proceed(firings);
  }

  /**
   * Ends the work where it stands (Ctrl+C): virtual time stays where it got, the rest
   * of the advance is not run; a resume's actions still queued behind it are dropped
   * unless the machine is paused again. Answers how many queued actions were dropped.
   */
  abandon(): number {
    return this.steps.abandon();
  }

  /** The target of the advance running now (ns). */
  get targetNs(): number {
    return this.steps.targetNs();
  }

  /** Firings since the work began. */
  get firings(): number {
    return this.clock.fired - this.firedAtStart;
  }
}
