// qtest commands per second over a unix socket, pipelined: the MSI-X table reads and
// writes of a driver's bring-up, sent to `irqscope qtest --socket` and, when it is
// installed, to real QEMU (q35 + e1000e, the same layout as irqscope's e1000e preset).
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const QEMU = '/usr/bin/qemu-system-x86_64';
const BAR3 = 0xfebf0000;

/** BAR3 at 0xfebf0000 with memory space on, then `commands` alternating table writes and reads. */
function payload(commands: number): { text: string; lines: number } {
  const lines = ['outl 0xcf8 0x8000101c', `outl 0xcfc 0x${BAR3.toString(16)}`, 'outl 0xcf8 0x80001004', 'outw 0xcfc 0x0006'];
  for (let i = 0; i < commands; i++) {
    const data = BAR3 + ((i >> 1) % 5) * 16 + 8;
    lines.push(i & 1 ? `readl 0x${data.toString(16)}` : `writel 0x${data.toString(16)} 0x${(i & 0xff).toString(16)}`);
  }
  return { text: lines.join('\n') + '\n', lines: lines.length };
}

/** Writes the whole payload at once and times until every reply line is back. */
async function timeReplies(sock: Socket, commands: number): Promise<number> {
  const { text, lines } = payload(commands);
  let replies = 0;
  let failed = false;
  const start = performance.now();
  const done = new Promise<number>((resolve) => {
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) replies++;
      if (chunk.includes('FAIL')) failed = true;
      if (replies >= lines) resolve(performance.now());
    });
  });
  sock.write(text);
  const end = await done;
  if (failed) throw new Error('qtest bench commands failed');
  return (lines / (end - start)) * 1e3;
}

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
}

export async function measureQtestSocket(commands: number): Promise<{ commandsPerSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'irqscope-bench-'));
  const path = join(dir, 'qtest.sock');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'irqscope.mjs'), 'qtest', '--machine', 'e1000e', '--socket', path, '--once'], { stdio: 'ignore' });
  try {
    await waitFor(path);
    const sock = connect(path);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const commandsPerSecond = await timeReplies(sock, commands);
    sock.end();
    return { commandsPerSecond };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same commands answered by QEMU; null when QEMU is not installed. */
export async function measureQemuQtest(commands: number): Promise<{ commandsPerSecond: number } | null> {
  if (!existsSync(QEMU)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'irqscope-bench-qemu-'));
  const path = join(dir, 'qtest.sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(path, r));
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  let child: ChildProcess | undefined;
  try {
    child = spawn(QEMU, ['-machine', 'q35', '-accel', 'tcg', '-S', '-nodefaults', '-display', 'none', '-qtest', `unix:${path}`, '-device', 'e1000e,addr=02.0'], {
      stdio: 'ignore',
    });
    const sock = await accepted;
    const commandsPerSecond = await timeReplies(sock, commands);
    sock.destroy();
    return { commandsPerSecond };
  } finally {
    child?.kill('SIGKILL');
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
