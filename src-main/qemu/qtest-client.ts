// QEMU's qtest protocol from the client side: one command line, one reply line, in
// order. QEMU's asynchronous `IRQ raise|lower` lines are not replies and are skipped.
import type { Socket } from 'node:net';
import { onLines } from './socket-lines';

export class QtestClient {
  private readonly waiting: { resolve: (reply: string) => void; reject: (err: Error) => void }[] = [];
  private closed: Error | null = null;

  constructor(private readonly socket: Socket) {
    onLines(socket, (line) => {
      if (!line.startsWith('IRQ ')) this.waiting.shift()?.resolve(line);
    });
    // A reset connection is a close; 'close' follows.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = new Error('the qtest connection to QEMU closed');
      for (const w of this.waiting.splice(0)) w.reject(this.closed);
    });
  }

  /** Sends one command; answers QEMU's reply (`OK …` or `FAIL …`). */
  command(line: string): Promise<string> {
    if (this.closed !== null) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(`${line}\n`);
    });
  }

  /** A command whose reply must be `OK VALUE`: the value. */
  async value(line: string): Promise<number> {
    const reply = await this.command(line);
    const m = /^OK (0x[0-9a-f]+)$/i.exec(reply);
    if (m === null) throw new Error(`qtest '${line}': QEMU answered '${reply}'`);
    return Number.parseInt(m[1]!.slice(2), 16);
  }

  close(): void {
    this.socket.destroy();
  }
}
