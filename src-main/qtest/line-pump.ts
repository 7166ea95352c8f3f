// Feeds a byte stream to a QtestSession line by line. Short replies of quick lines go
// out together (a write per reply would cost a pipelined client three quarters of its
// speed), but never more than 64 KiB of them, and before a line that may run long
// every reply held is written: while it runs, everything before it is answered. A long
// reply is its own write, never joined to another (25 replies of 22 MB each would pass
// V8's string limit). When the reader falls behind, the pump stops between lines and
// stops reading until the output drains: a client that never reads costs about one
// reply's worth of memory, not every reply it was sent. After a long line has used up
// a slice of time, the pump lets the event loop run (a Ctrl+C, another client) before
// it goes on.
import type { Readable, Writable } from 'node:stream';
import { mayRunLong } from './long-commands';
import { DEFAULT_MAX_LINE } from '../operations/limits';

/** What the pump drives: a QtestSession, or anything answering lines the same way. */
export interface LineSession {
  /** The reply to one line, or null for a line that gets none (a comment). */
  execute(line: string): string | null;
}

/** Replies held back at most (characters) before they are written together. */
const BATCH = 64 << 10;
/** Time (ms) the pump runs lines before it lets the event loop in, checked after long lines. */
const SLICE_MS = 20;

export interface PumpOptions {
  maxLine?: number;
  /** Whether a line may run long, so the replies held are written before it runs. */
  mayRunLong?: (line: string) => boolean;
}

export function pumpLines(session: LineSession, input: Readable, output: Writable, options: PumpOptions = {}): Promise<void> {
  const lines = new LineSplitter(options.maxLine ?? DEFAULT_MAX_LINE);
  const runsLong = options.mayRunLong ?? mayRunLong;
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
    let waiting = false;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      output.off('close', finish);
      resolve();
    };
    const later = (): void => {
      waiting = false;
      run();
    };
    const run = (): void => {
      const start = performance.now();
      while (!finished) {
        if (output.writableNeedDrain) {
          waiting = true;
          input.pause();
          output.once('drain', later);
          return;
        }
        const line = lines.next();
        if (line === null) break;
        if (line === TOO_LONG) answer(`FAIL line: longer than ${lines.maxLine} characters, ignored up to its end`);
        else if (runsLong(line)) {
          flush();
          answer(session.execute(line));
          if (performance.now() - start >= SLICE_MS) {
            flush();
            waiting = true;
            input.pause();
            setImmediate(later);
            return;
          }
        } else answer(session.execute(line));
      }
      flush();
      if (finished) return;
      if (!ended) {
        input.resume();
        return;
      }
      const last = lines.rest();
      // Input ending in a newline leaves nothing: that is no line to answer.
      if (last !== '') answer(last === TOO_LONG ? `FAIL line: longer than ${lines.maxLine} characters, ignored` : session.execute(last));
      flush();
      finish();
    };
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      lines.push(chunk);
      if (!waiting) run();
    });
    input.on('end', () => {
      ended = true;
      if (!waiting) run();
    });
    input.on('error', reject);
    // A client gone away never drains: nothing more to answer.
    output.on('close', finish);
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
