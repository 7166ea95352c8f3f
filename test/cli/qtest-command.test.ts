import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-harness';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'irqscope-cli-'));

describe('irqscope qtest', () => {
  it('answers commands from standard input, one reply per command', async () => {
    const r = await runCli(['qtest', '--machine', 'virtio-net'], '# comment\nendianness\nbogus\nwritel 0x10 0x5\nreadl 0x10\n');
    expect(r.code).toBe(0);
    // The comment gets its own OK: a lock-step client never waits on a line.
    expect(r.stdout).toBe("OK\nOK little\nFAIL Unknown command 'bogus'\nOK\nOK 0x0000000000000005\n");
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

  it('--connect joins a listening harness as QEMU\'s -qtest unix:PATH does; a comment still gets a reply', async () => {
    const dir = tmp();
    const path = join(dir, 'harness.sock');
    const server = createServer();
    await new Promise<void>((r) => server.listen(path, r));
    const accepted = new Promise<Socket>((r) => server.once('connection', r));
    const served = runCli(['qtest', '--machine', 'e1000e', '--connect', path]);
    const sock = await accepted;
    let text = '';
    sock.on('data', (d) => (text += d.toString()));
    sock.write('# hello\nwritel 0x40 0x7\nreadl 0x40\n');
    for (let i = 0; i < 200 && text.split('\n').length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    sock.end();
    expect((await served).code).toBe(0);
    server.close();
    expect(text).toBe('OK\nOK\nOK 0x0000000000000007\n');
  });

  it('--socket leaves a harness\'s live socket and any other file alone', async () => {
    const dir = tmp();
    const path = join(dir, 'live.sock');
    const server = createServer();
    await new Promise<void>((r) => server.listen(path, r));
    const r = await runCli(['qtest', '--machine', 'e1000e', '--socket', path]);
    server.close();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`something is listening on ${path}`);
    writeFileSync(join(dir, 'plain'), 'x');
    const plain = await runCli(['qtest', '--machine', 'e1000e', '--socket', join(dir, 'plain')]);
    expect(plain.stderr).toContain('exists and is not a socket');
    expect(readFileSync(join(dir, 'plain'), 'utf8')).toBe('x');
  });

  it('rejects unknown options and a missing --machine', async () => {
    expect((await runCli(['qtest', '--frob'])).stderr).toContain('unknown option --frob');
    expect((await runCli(['qtest'])).stderr).toContain('--machine FILE is required');
    expect((await runCli(['nonsense'])).stderr).toContain("unknown command 'nonsense'");
  });
});
