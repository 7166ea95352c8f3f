// QEMU's QMP from the client side: the greeting, capability negotiation, commands
// answered in order, and events with QEMU's own timestamp.
import type { Socket } from 'node:net';
import { onLines } from './socket-lines';

export interface QmpEvent {
  event: string;
  /** QEMU's wall clock when it emitted the event, in µs since the epoch. */
  timeUs: number;
  data: unknown;
}

interface QmpMessage {
  QMP?: unknown;
  return?: unknown;
  error?: { class: string; desc: string };
  event?: string;
  timestamp?: { seconds: number; microseconds: number };
  data?: unknown;
}

export class QmpClient {
  private readonly waiting: { resolve: (value: unknown) => void; reject: (err: Error) => void }[] = [];
  private readonly listeners: ((event: QmpEvent) => void)[] = [];
  private greeted: Promise<void>;

  constructor(private readonly socket: Socket) {
    let greet: () => void = () => undefined;
    this.greeted = new Promise((resolve) => (greet = resolve));
    onLines(socket, (line) => {
      let msg: QmpMessage;
      try {
        msg = JSON.parse(line) as QmpMessage;
      } catch {
        return;
      }
      if (msg.QMP !== undefined) greet();
      else if (msg.event !== undefined) {
        const t = msg.timestamp ?? { seconds: 0, microseconds: 0 };
        const event = { event: msg.event, timeUs: t.seconds * 1e6 + t.microseconds, data: msg.data };
        for (const l of this.listeners) l(event);
      } else if (msg.error !== undefined) this.waiting.shift()?.reject(new Error(`QMP: ${msg.error.desc}`));
      else this.waiting.shift()?.resolve(msg.return);
    });
    // A reset connection is a close; 'close' follows.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      for (const w of this.waiting.splice(0)) w.reject(new Error('the QMP connection to QEMU closed'));
    });
  }

  /** Waits for the greeting and leaves negotiation mode. */
  async start(): Promise<void> {
    await this.greeted;
    await this.execute('qmp_capabilities');
  }

  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(`${JSON.stringify(args === undefined ? { execute: command } : { execute: command, arguments: args })}\n`);
    });
  }

  onEvent(listener: (event: QmpEvent) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.socket.destroy();
  }
}
