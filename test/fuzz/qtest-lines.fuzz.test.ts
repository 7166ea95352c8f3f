// Fuzzing the qtest surface, bounded in time: random lines (real commands with wild
// arguments, and junk) in-process and over a socket to a client that reads slowly.
// Each run checks: nothing throws, every line is answered within a bound, a FAIL
// changes nothing, and what waits for a slow reader stays bounded.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createServer, connect, type AddressInfo } from 'node:net';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { pumpLines } from '../../src-main/qtest/line-pump';
import { build, nicDescription } from '../machine/guest';
import { stateOf } from '../session/busy-machine';

const NUMBER = fc.oneof(
  fc.constantFrom('0', '1', '0x10', '0xfebd0000', '0xfee00000', '0xcf8', '0xcfc', '0xffff', '0xffffffff', '0x1000000000000000', '18446744073709551615', '18446744073709551616', '9007199254740991', '-1', '1e3', '0x', '010', '99', '65535', '4294967296'),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => `0x${n.toString(16)}`),
  fc.nat().map(String),
);
const WORD = fc.oneof(NUMBER, fc.constantFrom('00:03.0', '00:1f.7', 'zz', 'AAAA', '=', 'A', '', 'any'), fc.string({ maxLength: 6 }));
/** The commands (break, continue and step are the debugger's own fuzz target; left out here). */
const COMMANDS = [
  'outb', 'outw', 'outl', 'inb', 'inw', 'inl', 'readb', 'readw', 'readl', 'readq', 'writeb', 'writew', 'writel', 'writeq',
  'read', 'write', 'memset', 'b64read', 'b64write', 'clock_step', 'clock_set', 'endianness', 'system_reset', 'device_irq',
  'msix_notify', 'msix_use', 'msix_unuse', 'msix_reset', 'msix_save', 'msix_load', 'source_start', 'source_stop', 'interrupts', 'setpci', 'nonsense',
];
const LINE = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...COMMANDS), fc.array(WORD, { maxLength: 4 })).map(([c, a]) => [c, ...a].join(' ')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/\n/g, ' ')) },
);

/** One fresh machine with the qtest host's bound on an advance, so a wild clock_step answers at once. */
function session(): { q: QtestSession; m: ReturnType<typeof build> } {
  const m = build(nicDescription());
  m.debugger.limits = { ...m.debugger.limits, advanceFirings: 100_000 };
  return { q: new QtestSession(m), m };
}

describe('qtest fuzz', () => {
  it('in-process: every line answered within 1 s, nothing thrown, a FAIL changes nothing', () => {
    fc.assert(
      fc.property(fc.array(LINE, { minLength: 1, maxLength: 30 }), (lines) => {
        const { q, m } = session();
        for (const line of lines) {
          const before = JSON.stringify(stateOf(m));
          const start = performance.now();
          const reply = q.execute(line);
          expect(performance.now() - start, line).toBeLessThan(1000);
          if (reply === null) continue;
          expect(reply, line).toMatch(/^(OK|FAIL)/m);
          if (reply.startsWith('FAIL')) expect(JSON.stringify(stateOf(m)), `${line} -> ${reply}`).toBe(before);
        }
      }),
      { numRuns: 100, seed: 14, endOnFailure: true },
    );
  }, 30_000);

  it('over a socket, to a client that reads slowly: one reply per line, in order, with what waits bounded', async () => {
    const lines = fc.sample(LINE.filter((l) => l.trim() !== '' && !l.trim().startsWith('#')), { numRuns: 200, seed: 41 });
    // Big replies among them: each is 350 KB of base64, 3.5 MB together.
    for (let i = 0; i < 10; i++) lines.splice(i * 20, 0, 'b64read 0x0 0x40000');
    const { q } = session();
    let maxWaiting = 0;
    const server = createServer({ allowHalfOpen: true }, (conn) => {
      const watch = setInterval(() => (maxWaiting = Math.max(maxWaiting, conn.writableLength)), 2);
      void pumpLines(q, conn, conn).finally(() => {
        clearInterval(watch);
        conn.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
      let text = '';
      client.setEncoding('utf8');
      client.on('data', (d: string) => {
        text += d;
        // A slow reader: a pause after every chunk.
        client.pause();
        setTimeout(() => client.resume(), 1);
      });
      const closed = new Promise((r) => client.on('close', r));
      client.end(lines.join('\n') + '\n');
      await closed;
      const replies = text.split('\n').filter((l) => l !== '' && !l.startsWith('BREAK'));
      expect(replies).toHaveLength(lines.length);
      expect(replies.every((r) => /^(OK|FAIL)/.test(r))).toBe(true);
      // At most a reply or two past the socket's high-water mark, never all ten at once.
      expect(maxWaiting).toBeLessThan(1 << 20);
    } finally {
      server.close();
    }
  }, 60_000);
});
