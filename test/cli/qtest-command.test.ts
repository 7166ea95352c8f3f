import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-harness';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'irqscope-cli-'));

describe('irqscope qtest', () => {
  it('answers commands from standard input, one reply per command', async () => {
    const r = await runCli(['qtest', '--machine', 'virtio-net'], '# comment\nendianness\nbogus\nwritel 0x10 0x5\nreadl 0x10\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("OK little\nFAIL Unknown command 'bogus'\nOK\nOK 0x0000000000000005\n");
  });

  it('reads a script file and writes the event log as JSON lines with --events', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 's.qtest'),
      ['outl 0xcf8 0x80001814', 'outl 0xcfc 0xfebd0000', 'outl 0xcf8 0x80001804', 'outw 0xcfc 0x0006', 'device_irq 00:03.0 1'].join('\n'),
    );
    const r = await runCli(['qtest', '--machine', 'virtio-net', 's.qtest', '--events', 'ev.jsonl'], '', dir);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    const lines = readFileSync(join(dir, 'ev.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'log', evicted: 0 });
    const kinds = lines.slice(1).map((l) => l.kind);
    expect(kinds).toContain('ConfigWrite');
    expect(kinds).toContain('BarMapped');
    // MSI-X is disabled, so the raise asserts INTx (D1).
    expect(lines.at(-1)).toMatchObject({ kind: 'IntxChanged', bdf: '00:03.0', a: 1, origin: 'device' });
  });

  it('refuses a broken machine file naming the field', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({
        cpus: 1,
        devices: [
          {
            bdf: '00:03.0', name: 'x', vendor: 1, device: 2, class: 3,
            bars: [{ index: 1, type: 'mem32', size: '0x1000' }],
            msix: { vectors: 3, table: { bar: 1, offset: 0 }, pba: { bar: 1, offset: '0x804' } },
          },
        ],
      }),
    );
    const r = await runCli(['qtest', '--machine', 'bad.json'], '', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('devices[0].msix.pba.offset: not 8-byte aligned');
  });

  it('serves the protocol on a unix socket with --socket', async () => {
    const dir = tmp();
    const path = join(dir, 'q.sock');
    const served = runCli(['qtest', '--machine', 'virtio-net', '--socket', path, '--once', '--events', join(dir, 'e.jsonl')]);
    for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 20));
    const sock = connect(path);
    let text = '';
    sock.on('data', (d) => (text += d.toString()));
    sock.write('writel 0x40 0xabcd\nreadl 0x40\nnope\n');
    sock.end();
    await new Promise((r) => sock.on('close', r));
    const r = await served;
    expect(r.code).toBe(0);
    expect(text).toBe("OK\nOK 0x000000000000abcd\nFAIL Unknown command 'nope'\n");
    expect(existsSync(join(dir, 'e.jsonl'))).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a clock_step that would fire the sources more than --max-firings times, before anything moves', async () => {
    const script = 'source_start 00:03.0 0 1000000\nclock_step 101000\nclock_step 100000\nclock_step 1000000000000\n';
    const r = await runCli(['qtest', '--machine', 'virtio-net', '--max-firings', '100'], script);
    const replies = r.stdout.split('\n');
    expect(replies[0]).toBe('OK');
    expect(replies[1]).toBe('FAIL clock_step: advancing to 101000 ns would fire the interval sources 101 times, more than 100 at once: advance in smaller steps (or raise the limit with --max-firings N)');
    expect(replies[2]).toBe('OK 100000');
    expect(replies[3]).toMatch(/^FAIL clock_step: .* more than 100 at once/);
    expect((await runCli(['qtest', '--machine', 'virtio-net', '--max-firings', '0'])).stderr).toContain("--max-firings takes a whole number of firings, at least 1, got '0'");
  });

  it('by default a clock_step of a billion firings is refused at once, not run for minutes', { timeout: 10_000 }, async () => {
    const r = await runCli(['qtest', '--machine', 'virtio-net'], 'source_start 00:03.0 0 1000000\nclock_step 1000000000000\nclock_step 1000\n');
    expect(r.stdout.split('\n').slice(1)).toEqual([expect.stringMatching(/^FAIL clock_step: .*1000000000 times, more than 20000000 at once.*--max-firings/), 'OK 1000', '']);
  });

  it('answers clock_set past the end of virtual time with a FAIL, and stays usable (it used to hang at 2^60)', { timeout: 10_000 }, async () => {
    const r = await runCli(['qtest', '--machine', 'virtio-net'], 'clock_set 0x1000000000000000\nsource_start 00:03.0 0 10000000\nclock_step 1\nclock_set 9007199254740991\n');
    expect(r.stdout.split('\n')).toEqual([
      'FAIL clock_set: cannot advance the clock: 1.1529e+18 ns is past the end of virtual time (2^53 - 1 = 9007199254740991 ns, about 104 days)',
      'OK',
      'OK 1',
      expect.stringMatching(/^FAIL clock_set: advancing to 9007199254740991 ns would fire/),
      '',
    ]);
  });

  it('rejects unknown options and a missing --machine', async () => {
    expect((await runCli(['qtest', '--frob'])).stderr).toContain('unknown option --frob');
    expect((await runCli(['qtest'])).stderr).toContain('--machine FILE is required');
    expect((await runCli(['nonsense'])).stderr).toContain("unknown command 'nonsense'");
  });
});
