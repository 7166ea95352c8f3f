// Feeds a byte stream to a QtestSession line by line. Short replies of quick lines go
// out together (a write per reply would cost a pipelined client three quarters of its
// speed), but never more than 64 KiB of them, and before a line that may run long
// every reply held is written: while it runs, everything before it is answered. A long
// reply is its own write, never joined to another (25 replies of 22 MB each would pass
// V8's string limit). When the reader falls behind, the pump stops between lines and
// stops reading until the output drains: a client that never reads costs about one
// reply's worth of memory, not every reply it was sent. After a long line has used up
// a slice of time, the pump lets the event loop run (a Ctrl+C, another client) before
// it goes on; a line that runs long itself (a clock advance of many firings) comes
// back as a LongLine, resumed a slice at a time with the event loop in between, so it
// can report progress and be stopped.
import type { Readable, Writable } from 'node:stream';
import { mayRunLong } from './long-commands';
import { DEFAULT_MAX_LINE } from '../operations/limits';

/** What the pump drives: a QtestSession, or anything answering lines the same way. */
export interface LineSession {
  /** The reply to one line, null for a line that gets none (a comment), or the line still running. */
  begin(line: string): string | null | LongLine;
}

/** A line whose work goes on past one slice: the pump resumes it with the event loop run in between. */
export interface LongLine {
  /** Runs one bounded slice of the line: its reply once the line is done, else null. */
  resume(): string | null;
  /** True while the line cannot start (it waits for another line to end): the pump yields rather than polls. */
  readonly waiting: boolean;
  /** Ends the line where it stands; answers its reply, which says what happened (`why`: what stopped it, `Ctrl+C`). */
  stop(why: string): string;
  /** How far it got (null while waiting). */
  progress(): LineProgress | null;
}

export interface LineProgress {
  command: string;
  /** Virtual time reached and aimed at. */
  nowNs: number;
  targetNs: number;
  /** Interval-source firings since the line began. */
  firings: number;
}

/** A progress report: how far, after how long, at what rate since the last report. */
export interface ProgressReport extends LineProgress {
  elapsedMs: number;
  firingsPerSecond: number;
}

/** Replies held back at most (characters) before they are written together. */
const BATCH = 64 << 10;
/** Time (ms) the pump runs lines before it lets the event loop in, checked after long lines. */
const SLICE_MS = 20;
/** A line running longer than this (ms) is reported on about this often. */
const PROGRESS_MS = 1000;

export interface PumpOptions {
  maxLine?: number;
  /** Whether a line may run long, so the replies held are written before it runs. */
  mayRunLong?: (line: string) => boolean;
  /**
   * Stops the pump (Ctrl+C): a running line stops at its next slice and is answered
   * with what happened, the replies held are written, and no further line runs. The
   * abort reason, when a string, names what stopped it in that reply.
   */
  signal?: AbortSignal;
  /** Called about once a second while a line has run longer than a second (never into the reply stream). */
  progress?: (report: ProgressReport) => void;
}

export function pumpLines(session: LineSession, input: Readable, output: Writable, options: PumpOptions = {}): Promise<void> {
  const lines = new LineSplitter(options.maxLine ?? DEFAULT_MAX_LINE);
  const runsLong = options.mayRunLong ?? mayRunLong;
  const { signal, progress } = options;
  let held = '';
  const flush = (): void => {
    if (held === '') return;
    output.write(held);
    held = '';
  };
  const answer = (reply: string | null): void => {
    if (reply === null) return;
    if (held.length + reply.length >= BATCH) {
      flush();
      output.write(`${reply}\n`);
    } else held += `${reply}\n`;
  };
  return new Promise((resolve, reject) => {
    let ended = false;
    /** The last line (no newline after it) has been taken from the splitter. */
    let restTaken = false;
    /** What the pump waits for before it runs on: the output to drain, or its next turn of the event loop. */
    let pending: 'drain' | 'turn' | null = null;
    let finished = false;
    let current: LongLine | null = null;
    let longStart = 0;
    let lastReport = 0;
    let lastFirings = 0;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      output.off('close', finish);
      signal?.removeEventListener('abort', aborted);
      // A line left running would hold the clock for good.
      current?.stop('the connection closing');
      current = null;
      resolve();
    };
    const later = (): void => {
      pending = null;
      run();
    };
    const yieldTurn = (): void => {
      flush();
      pending = 'turn';
      input.pause();
      setImmediate(later);
    };
    const aborted = (): void => {
      if (pending === 'turn') return;
      if (pending === 'drain') output.off('drain', later);
      pending = null;
      run();
    };
    const begin = (line: string): void => {
      const reply = session.begin(line);
      if (reply === null || typeof reply === 'string') return answer(reply);
      flush();
      current = reply;
      longStart = lastReport = performance.now();
      lastFirings = 0;
    };
    const report = (long: LongLine, now: number): void => {
      if (progress === undefined || now - longStart < PROGRESS_MS || now - lastReport < PROGRESS_MS) return;
      const p = long.progress();
      if (p === null) return;
      progress({ ...p, elapsedMs: now - longStart, firingsPerSecond: ((p.firings - lastFirings) * 1e3) / (now - lastReport) });
      lastReport = now;
      lastFirings = p.firings;
    };
    const run = (): void => {
      const start = performance.now();
      while (!finished) {
        if (signal?.aborted) {
          if (current !== null) answer(current.stop(typeof signal.reason === 'string' ? signal.reason : 'a stop request'));
          current = null;
          flush();
          input.pause();
          finish();
          return;
        }
        if (current !== null) {
          const reply = current.resume();
          const now = performance.now();
          if (reply === null) {
            report(current, now);
            if (current.waiting || now - start >= SLICE_MS) return yieldTurn();
            continue;
          }
          current = null;
          answer(reply);
          if (now - start >= SLICE_MS) return yieldTurn();
          continue;
        }
        if (output.writableNeedDrain) {
          pending = 'drain';
          input.pause();
          output.once('drain', later);
          return;
        }
        let line = lines.next();
        if (line === null) {
          if (!ended || restTaken) break;
          restTaken = true;
          line = lines.rest();
          // Input ending in a newline leaves nothing: that is no line to answer.
          if (line === '') break;
        }
        if (line === TOO_LONG) answer(`FAIL line: longer than ${lines.maxLine} characters, ignored${restTaken ? '' : ' up to its end'}`);
        else if (runsLong(line)) {
          flush();
          begin(line);
          if (current === null && performance.now() - start >= SLICE_MS) return yieldTurn();
        } else begin(line);
      }
      flush();
      if (finished) return;
      if (!ended) {
        input.resume();
        return;
      }
      finish();
    };
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      lines.push(chunk);
      if (pending === null) run();
    });
    input.on('end', () => {
      ended = true;
      if (pending === null) run();
    });
    input.on('error', reject);
    // A client gone away never drains: nothing more to answer.
    output.on('close', finish);
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

const TOO_LONG = Symbol('line too long');

/**
 * Cuts chunks into lines in time linear in their length: the start of a line that spans
 * chunks is kept as a list of pieces, joined once when its newline arrives. A line past
 * the bound stops being kept at all and comes out as TOO_LONG.
 */
class LineSplitter {
  private readonly chunks: string[] = [];
  /** Position in chunks[0] where the next line starts. */
  private at = 0;
  private pieces: string[] = [];
  private pieceLength = 0;
  private overflow = false;

  constructor(readonly maxLine: number) {}

  push(chunk: string): void {
    this.chunks.push(chunk);
  }

  /** The next complete line, or null when none has its newline yet. */
  next(): string | typeof TOO_LONG | null {
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const nl = chunk.indexOf('\n', this.at);
      if (nl < 0) {
        this.keep(chunk.slice(this.at));
        this.chunks.shift();
        this.at = 0;
        continue;
      }
      const tail = chunk.slice(this.at, nl);
      this.at = nl + 1;
      if (this.at >= chunk.length) {
        this.chunks.shift();
        this.at = 0;
      }
      if (this.pieces.length === 0 && !this.overflow) {
        if (tail.length > this.maxLine) return TOO_LONG;
        return tail;
      }
      this.keep(tail);
      return this.take();
    }
    return null;
  }

  /** What is left after the input ended: the last line, which had no newline. */
  rest(): string | typeof TOO_LONG {
    return this.take();
  }

  private keep(piece: string): void {
    if (this.overflow) return;
    this.pieceLength += piece.length;
    if (this.pieceLength > this.maxLine) {
      this.overflow = true;
      this.pieces = [];
      return;
    }
    if (piece !== '') this.pieces.push(piece);
  }

  private take(): string | typeof TOO_LONG {
    const line = this.overflow ? TOO_LONG : this.pieces.join('');
    this.pieces = [];
    this.pieceLength = 0;
    this.overflow = false;
    return line;
  }
}
