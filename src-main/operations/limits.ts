// Every bound a host or surface puts on what it is asked, in one place, each with why.
// The machine keeps the bounds it needs itself (the time horizon, the queue and
// breakpoint counts that session files are checked against, the machine file's rate
// range); they are re-exported here so a reader finds all of them by one name.
export { MAX_TIME_NS } from '../machine/clock';
export { MAX_BREAKPOINTS, MAX_QUEUED } from '../machine/debugger/debugger';
/** The machine's source rates, and the fastest the app may start (the hosts stay responsive below it; the contract checks it). */
export { MAX_APP_SOURCE_RATE, MAX_SOURCE_RATE, MIN_SOURCE_RATE, sourceRateProblem } from '../../src-shared/machine-file/description';
export { MAX_WINDOW_LANES, MAX_WINDOW_PIXELS } from '../../src-shared/timeline/window';

/**
 * The debugger's bounds in the app, where a request from the untrusted renderer must
 * not hold the event loop (and so every window) for long: one advance fires the sources
 * about as often as the runner does for 100 ms at the top rate (some tens of ms of work),
 * and the queue, sent whole to every client on each change, stays short.
 */
export const APP_DEBUGGER_LIMITS = { queued: 1024, advanceFirings: 1 << 20 } as const;

/**
 * Interval-source firings one qtest clock_step may run (each is a notify, about 50 ns): a
 * step that would run longer than about a second is refused, naming --max-firings N.
 */
export const DEFAULT_QTEST_FIRINGS = 20_000_000;

/** Largest read/write/memset/b64 transfer of one qtest line: QEMU allocates the buffer, irqscope bounds it. */
export const MAX_BULK = 1 << 24;

/** Longest qtest line (characters; a b64write of 48 MiB fits); a longer one is answered FAIL and dropped. */
export const DEFAULT_MAX_LINE = 64 << 20;

/** Events the host's history holds by default: 2^24 (16.7 M), 31 B each when full. */
export const DEFAULT_HISTORY_CAPACITY = 1 << 24;

export interface PumpLimits {
  /** Events in one batch. */
  maxBatchEvents: number;
  /** Batches to one client per pump. */
  maxBatchesPerPump: number;
  /** With nothing new, an empty batch still goes out this often (ms), carrying counts and time. */
  heartbeatMs: number;
  /**
   * Events one client is streamed per pump at most: past that the stream outruns any
   * screen, so it jumps to the newest and the rest stay in the history (skipped).
   */
  maxLiveEventsPerPump: number;
}

/**
 * How the session's pump ships events to each client. 256 live events a pump (16 k/s at
 * the runner's 16 ms pump) is more than a screen shows; every batch is a buffer the
 * page's garbage collector must reclaim, and at 1024 a flood made it run a full
 * collection (a dropped frame) every 1.7 s instead of every 2.5 s.
 */
export const DEFAULT_PUMP_LIMITS: PumpLimits = { maxBatchEvents: 1 << 17, maxBatchesPerPump: 2, heartbeatMs: 250, maxLiveEventsPerPump: 1 << 8 };

/**
 * The browser host's back-pressure: a client with this many reply bytes unsent is not
 * read until it catches up; one that stays behind this long, or passes the most a
 * client may hold, is dropped; a socket may buffer this much before it counts as behind.
 */
export const WEB_REPLY_HIGH_WATER_BYTES = 1 << 20;
export const WEB_STALL_MS = 30_000;
export const WEB_MAX_CLIENT_BYTES = 256 << 20;
export const WEB_MAX_BUFFERED_BYTES = 16 << 20;
/** Largest request message: a session file to open (32 MiB of base64) and its envelope. */
export const WEB_MAX_REQUEST_BYTES = (32 << 20) + (64 << 10);

/** `irqscope qemu`: seconds a guest has to enable MSI-X on some function (0: no limit). */
export const DEFAULT_MSIX_TIMEOUT_S = 120;
