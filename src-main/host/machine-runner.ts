// Advances virtual time with real time in bounded slices, so a source firing a
// million notifies per second never holds the event loop for more than a slice.
// When the machine cannot keep up, virtual time falls behind (at most maxLagMs of
// debt is kept) instead of the host falling over. While the machine is paused at a
// breakpoint, nothing is simulated and no debt builds up: the runner only pumps, at the
// pump interval, so the guest's own accesses made meanwhile still reach the clients.
import type { MachineSession } from './machine-session';
import { MAX_TIME_NS } from '../operations/limits';

export interface RunnerOptions {
  /** Longest a slice may run (ms). */
  sliceMs: number;
  /** Real time not yet simulated is forgotten beyond this (ms). */
  maxLagMs: number;
  /** How often the session's pump ships events (ms). */
  pumpIntervalMs: number;
  /** Pause between slices when caught up (ms). */
  idleMs: number;
  /** Timer firings between two looks at the clock. */
  firingsPerCheck: number;
  now: () => number;
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
  sliceMs: 4,
  maxLagMs: 100,
  pumpIntervalMs: 16,
  idleMs: 4,
  firingsPerCheck: 2048,
  now: () => performance.now(),
};

export class MachineRunner {
  private readonly options: RunnerOptions;
  private lastReal = 0;
  /** Virtual ns owed to the machine. */
  private debt = 0;
  private lastPump = -Infinity;
  private timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | null = null;
  private running = false;

  constructor(
    private readonly session: MachineSession,
    options: Partial<RunnerOptions> = {},
  ) {
    this.options = { ...DEFAULT_RUNNER_OPTIONS, ...options };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastReal = this.options.now();
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) {
      clearTimeout(this.timer as ReturnType<typeof setTimeout>);
      clearImmediate(this.timer as ReturnType<typeof setImmediate>);
      this.timer = null;
    }
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Simulates real time passed since the last slice, for at most sliceMs. Returns true when caught up. */
  runSlice(): boolean {
    const { now, sliceMs, maxLagMs, firingsPerCheck } = this.options;
    const start = now();
    const target = this.session.target;
    if (target.debugger.paused) {
      this.debt = 0;
      this.lastReal = start;
      return true;
    }
    this.debt = Math.min(this.debt + (start - this.lastReal) * 1e6, maxLagMs * 1e6);
    this.lastReal = start;
    while (this.debt > 0) {
      const before = target.timeNs;
      // Virtual time ends at MAX_TIME_NS; there the machine simply stops moving.
      const reached = target.run(Math.min(this.debt, MAX_TIME_NS - before), firingsPerCheck);
      this.debt -= target.timeNs - before;
      if (reached || target.halted) {
        this.debt = 0;
        return true;
      }
      if (now() - start >= sliceMs) return false;
    }
    return true;
  }

  private readonly tick = (): void => {
    this.timer = null;
    if (!this.running) return;
    const caughtUp = this.runSlice();
    const t = this.options.now();
    if (t - this.lastPump >= this.options.pumpIntervalMs) {
      this.lastPump = t;
      this.session.pump();
    }
    const wait = this.session.target.debugger.paused ? this.options.pumpIntervalMs : this.options.idleMs;
    this.timer = caughtUp ? setTimeout(this.tick, wait) : setImmediate(this.tick);
  };
}
