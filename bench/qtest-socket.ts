// qtest commands per second through the CLI over its unix socket, pipelined: the
// MSI-X table reads and writes a driver's bring-up does, answered by `irqscope qtest`.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const SETUP = ['outl 0xcf8 0x80001814', 'outl 0xcfc 0xfebd0000', 'outl 0xcf8 0x80001804', 'outw 0xcfc 0x0006'];

export async function measureQtestSocket(commands: number): Promise<{ commandsPerSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'irqscope-bench-'));
  const path = join(dir, 'qtest.sock');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'irqscope.mjs'), 'qtest', '--machine', 'virtio-net', '--socket', path, '--once'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
    const lines: string[] = [...SETUP];
    for (let i = 0; i < commands; i++) {
      const entry = 0xfebd0000 + ((i >> 1) % 3) * 16;
      lines.push(i & 1 ? `readl 0x${(entry + 8).toString(16)}` : `writel 0x${(entry + 8).toString(16)} 0x${(i & 0xff).toString(16)}`);
    }
    const payload = lines.join('\n') + '\n';
    const expected = lines.length;
    const sock = connect(path);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    let replies = 0;
    let failures = 0;
    const start = performance.now();
    const done = new Promise<number>((resolve) => {
      sock.setEncoding('utf8');
      sock.on('data', (chunk: string) => {
        for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) replies++;
        if (chunk.includes('FAIL')) failures++;
        if (replies >= expected) resolve(performance.now());
      });
    });
    sock.write(payload);
    const end = await done;
    sock.end();
    if (failures > 0) throw new Error('qtest bench commands failed');
    return { commandsPerSecond: (expected / (end - start)) * 1e3 };
  } finally {
    child.kill('SIGTERM');
  }
}
