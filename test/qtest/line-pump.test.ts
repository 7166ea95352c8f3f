import { describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { pumpLines, type LineSession } from '../../src-main/qtest/line-pump';

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
    // held), nothing more ran or was queued.
    expect(seenAtLine.length).toBe(2);
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
});
