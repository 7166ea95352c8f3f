import { describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { pumpLines, type LineProgress, type LineSession, type LongLine, type ProgressReport } from '../../src-main/qtest/line-pump';

/** Answers `echo` lines with their text; records what the output had received when each line ran. */
function recorder(): { session: LineSession; seenAtLine: number[]; writes: string[] } {
  const writes: string[] = [];
  const seenAtLine: number[] = [];
  return {
    writes,
    seenAtLine,
    session: {
      begin(line) {
        seenAtLine.push(writes.length);
        return line === '' ? null : `OK ${line.length}`;
      },
    },
  };
}

function collecting(writes: string[], highWaterMark = 1 << 30): Writable {
  return new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      writes.push(chunk.toString());
      done();
    },
  });
}

/** A line that needs `slices` resumes of about `ms` each, and says what stopped it. */
class BusyLine implements LongLine {
  waiting = false;
  resumed = 0;
  stoppedBy: string | null = null;
  constructor(
    private readonly slices: number,
    private readonly ms = 0,
  ) {}
  resume(): string | null {
    const until = performance.now() + this.ms;
    while (performance.now() < until);
    return ++this.resumed >= this.slices ? `OK done after ${this.resumed}` : null;
  }
  stop(why: string): string {
    this.stoppedBy = why;
    return `FAIL stopped by ${why} after ${this.resumed}`;
  }
  progress(): LineProgress {
    return { command: 'clock_step', nowNs: this.resumed, targetNs: this.slices, firings: this.resumed * 10 };
  }
}

/** `long` comes back as `line` still running; any other line is answered `OK <line>`. */
function withLong(line: LongLine, ran: string[] = []): LineSession {
  return {
    begin(text) {
      ran.push(text);
      return text === 'long' ? line : `OK ${text}`;
    },
  };
}

/** Counts turns of the event loop (one setImmediate each) until stopped. */
function turnCounter(): { turns: () => number; stop: () => void } {
  let turns = 0;
  let on = true;
  const tick = (): void => {
    turns++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { turns: () => turns, stop: () => (on = false) };
}

describe('qtest line pump', () => {
  it('before a line that may run long, every reply held is written (a line that hangs leaves the earlier ones out)', async () => {
    const writes: string[] = [];
    const outputAt: Record<string, string> = {};
    const session: LineSession = {
      begin(line) {
        outputAt[line] = writes.join('');
        return line === '' ? null : `OK ${line}`;
      },
    };
    const input = new PassThrough();
    const done = pumpLines(session, input, collecting(writes));
    input.end('writel 0x10 0x1\nreadl 0x10\nclock_step 1000\nreadl 0x14\ncontinue\n');
    await done;
    expect(outputAt['clock_step 1000']).toBe('OK writel 0x10 0x1\nOK readl 0x10\n');
    expect(outputAt['continue']).toBe('OK writel 0x10 0x1\nOK readl 0x10\nOK clock_step 1000\nOK readl 0x14\n');
    expect(writes.join('')).toBe('OK writel 0x10 0x1\nOK readl 0x10\nOK clock_step 1000\nOK readl 0x14\nOK continue\n');
  });

  it('quick replies go out together, at most 64 KiB at a time', async () => {
    const { session, writes } = recorder();
    const input = new PassThrough();
    const done = pumpLines(session, input, collecting(writes));
    input.end('abcdefgh\n'.repeat(20_000));
    await done;
    expect(writes.join('')).toBe('OK 8\n'.repeat(20_000));
    expect(writes.length).toBeGreaterThan(1);
    for (const w of writes) expect(w.length).toBeLessThanOrEqual(64 << 10);
  });

  it('stops between lines while the reader does not read, and goes on when it drains', async () => {
    const { session, seenAtLine } = recorder();
    let release: (() => void) | null = null;
    let received = 0;
    const slow = new Writable({
      highWaterMark: 4,
      write(_chunk, _enc, cb) {
        received++;
        release = cb;
      },
    });
    const input = new PassThrough();
    // Every line counted as a long one: each reply is written as it comes.
    const done = pumpLines(session, input, slow, { mayRunLong: () => true });
    input.write(`${'x'.repeat(40)}\n`.repeat(1000));
    await new Promise((r) => setTimeout(r, 20));
    // The first reply passed the high-water mark: the line after it ran (its reply is
    // held), nothing more ran or was queued. (Only the first ran when a slice of time had
    // run out after it, on a loaded machine: the pump yields then and writes its reply.)
    expect(seenAtLine.length).toBeGreaterThanOrEqual(1);
    expect(seenAtLine.length).toBeLessThanOrEqual(2);
    expect(received).toBe(1);
    for (let k = 0; k < 2000 && release !== null; k++) {
      const r: () => void = release;
      release = null;
      r();
      await new Promise((resolve) => setImmediate(resolve));
    }
    input.end();
    for (let k = 0; k < 10 && release !== null; k++) {
      const r: () => void = release;
      release = null;
      r();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    expect(received).toBe(1000);
  });

  it('answers 25 replies of 22 MB from one chunk, as 25 writes (joined they would pass the V8 string limit)', { timeout: 30_000 }, async () => {
    // The size of `b64read 0 0xffffff`'s reply, made without simulating 16 MiB of reads.
    const big = `OK ${'A'.repeat(Math.ceil(0xffffff / 3) * 4)}`;
    const session: LineSession = { begin: (line) => (line === '' ? null : big) };
    let replies = 0;
    let bytes = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        replies++;
        bytes += chunk.length;
        cb();
      },
    });
    const input = new PassThrough();
    const done = pumpLines(session, input, sink);
    input.end('b64read 0 0xffffff\n'.repeat(25));
    await done;
    expect(replies).toBe(25);
    expect(bytes).toBe(25 * (big.length + 1));
  });

  it('a 32 MiB line in 64 KiB chunks is cut in linear time (answered within the bound)', { timeout: 10_000 }, async () => {
    const { session, writes } = recorder();
    const input = new PassThrough();
    const done = pumpLines(session, input, collecting(writes));
    const piece = 'y'.repeat(64 << 10);
    for (let i = 0; i < 512; i++) input.write(piece);
    input.end('\nz\n');
    await done;
    expect(writes.join('')).toBe(`OK ${32 << 20}\nOK 1\n`);
  });

  it('refuses a line longer than the bound with a clear FAIL, keeps none of it, and runs the next line', async () => {
    const { session, writes } = recorder();
    const input = new PassThrough();
    const done = pumpLines(session, input, collecting(writes), { maxLine: 100 });
    input.write('w'.repeat(60));
    input.write('w'.repeat(60));
    input.write(`\n${'v'.repeat(101)}\nok\n`);
    input.end('u'.repeat(200));
    await done;
    expect(writes.join('')).toBe(
      [
        'FAIL line: longer than 100 characters, ignored up to its end',
        'FAIL line: longer than 100 characters, ignored up to its end',
        'OK 2',
        'FAIL line: longer than 100 characters, ignored',
        '',
      ].join('\n'),
    );
  });

  it('after a long line has run a slice, lets the event loop in (Ctrl+C, other clients) before the next', async () => {
    const order: string[] = [];
    const session: LineSession = {
      begin(line) {
        if (line === '') return null;
        const until = performance.now() + 25;
        while (performance.now() < until);
        order.push(line);
        return 'OK';
      },
    };
    const input = new PassThrough();
    const done = pumpLines(session, input, collecting([]));
    setImmediate(() => order.push('event loop'));
    input.end('clock_step 1\nclock_step 2\nclock_step 3\n');
    await done;
    expect(order).toEqual(['clock_step 1', 'event loop', 'clock_step 2', 'clock_step 3']);
  });

  it('ends when the reader goes away while replies wait', async () => {
    const { session } = recorder();
    const out = new PassThrough({ highWaterMark: 4 });
    const input = new PassThrough();
    const done = pumpLines(session, input, out);
    input.write('a\nb\nc\n');
    out.destroy();
    await done;
  });

  it('resumes a line that comes back running a slice at a time, with the event loop in between; the lines around it keep their order', async () => {
    const long = new BusyLine(20, 5);
    const ran: string[] = [];
    const writes: string[] = [];
    const counter = turnCounter();
    const input = new PassThrough();
    const done = pumpLines(withLong(long, ran), input, collecting(writes));
    input.end('a\nlong\nb\n');
    await done;
    counter.stop();
    // Twenty slices of 5 ms: the pump let the loop in about every 20 ms.
    expect(counter.turns()).toBeGreaterThanOrEqual(4);
    expect(writes.join('')).toBe('OK a\nOK done after 20\nOK b\n');
    // The reply before the long line went out before it ran on.
    expect(writes[0]).toBe('OK a\n');
    expect(ran).toEqual(['a', 'long', 'b']);
  });

  it('an abort stops a running line at its next slice: its reply says so, the replies held are written, no further line runs', async () => {
    const long = new BusyLine(Infinity, 2);
    const ran: string[] = [];
    const writes: string[] = [];
    const stop = new AbortController();
    const input = new PassThrough();
    const done = pumpLines(withLong(long, ran), input, collecting(writes), { signal: stop.signal });
    input.write('a\nlong\nb\n');
    setTimeout(() => stop.abort('Ctrl+C'), 50);
    await done;
    expect(long.stoppedBy).toBe('Ctrl+C');
    expect(writes.join('')).toMatch(/^OK a\nFAIL stopped by Ctrl\+C after \d+\n$/);
    expect(ran).toEqual(['a', 'long']);
  });

  it('an abort ends a pump that waits for input, or for its reader to drain', async () => {
    const idle = new AbortController();
    const waiting = pumpLines(withLong(new BusyLine(1)), new PassThrough(), collecting([]), { signal: idle.signal });
    idle.abort('Ctrl+C');
    await waiting;
    const stuck = new AbortController();
    const neverDrains = new Writable({ highWaterMark: 1, write: () => undefined });
    const input = new PassThrough();
    const blocked = pumpLines(withLong(new BusyLine(1)), input, neverDrains, { signal: stuck.signal, mayRunLong: () => true });
    input.write('a\nb\nc\n');
    await new Promise((r) => setTimeout(r, 10));
    stuck.abort('SIGTERM');
    await blocked;
  });

  it('a reader gone away mid-line stops the line (left running, it would hold the clock for good)', async () => {
    const long = new BusyLine(Infinity, 2);
    const out = new PassThrough();
    const input = new PassThrough();
    const done = pumpLines(withLong(long), input, out);
    input.write('long\n');
    setTimeout(() => out.destroy(), 30);
    await done;
    expect(long.stoppedBy).toBe('the connection closing');
  });

  it('a line waiting for another to end is resumed once per turn of the event loop, not polled in a loop', async () => {
    const long = new BusyLine(40);
    long.waiting = true;
    const counter = turnCounter();
    const seen: number[] = [];
    const resume = long.resume.bind(long);
    long.resume = () => {
      seen.push(counter.turns());
      return resume();
    };
    const input = new PassThrough();
    const done = pumpLines(withLong(long), input, collecting([]));
    input.end('long\n');
    await done;
    counter.stop();
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
  });

  it('reports progress about once a second while a line has run longer than a second, never into the output', { timeout: 10_000 }, async () => {
    const long = new BusyLine(460, 5);
    const reports: ProgressReport[] = [];
    const writes: string[] = [];
    const input = new PassThrough();
    const start = performance.now();
    const done = pumpLines(withLong(long), input, collecting(writes), { progress: (r) => reports.push(r) });
    input.end('long\n');
    await done;
    const ran = performance.now() - start;
    expect(writes.join('')).toBe('OK done after 460\n');
    // At least 2.3 s of slices: a report after the first second, then at most one a second.
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports.length).toBeLessThanOrEqual(Math.floor(ran / 1000));
    let last = 0;
    for (const r of reports) {
      expect(r.command).toBe('clock_step');
      expect(r.elapsedMs - last).toBeGreaterThanOrEqual(1000);
      last = r.elapsedMs;
      expect(r.firings).toBe(r.nowNs * 10);
      expect(r.firingsPerSecond).toBeGreaterThan(0);
    }
  });
});
