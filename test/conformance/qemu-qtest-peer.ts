// Real QEMU as a qtest peer: q35 with an e1000e at 00:02.0 (5 MSI-X vectors in BAR3,
// table at 0, PBA at 0x2000, capability at 0xA0 — irqscope's e1000e preset has the
// same layout). QEMU connects to a unix socket we listen on, as libqtest does.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const QEMU = '/usr/bin/qemu-system-x86_64';
export const hasQemu = existsSync(QEMU);

export class QemuPeer {
  private buffered = '';
  private waiting: ((line: string) => void)[] = [];
  /** Asynchronous `IRQ raise/lower` lines since the last reply. */
  private asyncLines: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly socket: Socket,
    private readonly dir: string,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        // Asynchronous IRQ lines are not replies: they are kept for exchange().
        if (line.startsWith('IRQ ')) {
          this.asyncLines.push(line);
          continue;
        }
        this.waiting.shift()?.(line);
      }
    });
  }

  /** `devices`: the -device arguments; the e1000e at 02.0 unless told otherwise. */
  static async start(devices: readonly string[] = ['-device', 'e1000e,addr=02.0']): Promise<QemuPeer> {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-qemu-'));
    const path = join(dir, 'qtest.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const child = spawn(
      QEMU,
      ['-machine', 'q35', '-accel', 'tcg', '-S', '-nodefaults', '-display', 'none', '-qtest', `unix:${path}`, ...devices],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`QEMU exited (${code}): ${stderr}`))));
    const socket = await Promise.race([accepted, exited]);
    server.close();
    return new QemuPeer(child, socket, dir);
  }

  /** Sends one command and answers QEMU's reply line. */
  command(line: string): Promise<string> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(`${line}\n`);
    });
  }

  /** Sends one command; answers the IRQ lines announced before its reply and the reply, one per line (as irqscope's execute does). */
  async exchange(line: string): Promise<string> {
    const reply = await this.command(line);
    const lines = [...this.asyncLines, reply].join('\n');
    this.asyncLines = [];
    return lines;
  }

  async close(): Promise<void> {
    this.socket.destroy();
    this.child.kill('SIGKILL');
    await new Promise((r) => this.child.once('exit', r));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
