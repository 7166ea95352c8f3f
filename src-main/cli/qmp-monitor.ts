// Enough of QEMU's QMP for libqtest and QEMU's Python QEMUQtestMachine: the greeting,
// capabilities negotiation, query-status, stop, cont, system_reset and quit, with the
// events QEMU sends for them (STOP, RESUME, RESET, SHUTDOWN). One JSON object per line
// in each direction, as QEMU's monitor writes them.
import type { Target } from '../target/target';
import { operations } from '../operations/operations';

type Json = Record<string, unknown>;

export type RunState = 'prelaunch' | 'running' | 'paused';

/** What QEMU 7.2 announces; the package names irqscope so a client can tell. */
export const QMP_GREETING: Json = {
  QMP: { version: { qemu: { micro: 0, minor: 2, major: 7 }, package: 'irqscope' }, capabilities: ['oob'] },
};

export class QmpMonitor {
  private negotiated = false;
  state: RunState;

  constructor(
    private readonly target: Target,
    startPaused: boolean,
    /** Writes one line to the QMP peer. */
    private readonly send: (line: string) => void,
    /** Called after `quit` has been answered. */
    private readonly quit: () => void,
  ) {
    this.state = startPaused ? 'prelaunch' : 'running';
  }

  greet(): void {
    this.emit(QMP_GREETING);
  }

  /** Handles one line from the peer. */
  handle(line: string): void {
    if (line.trim() === '') return;
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch (err) {
      this.emit({ error: { class: 'GenericError', desc: `JSON parse error, ${(err as Error).message}` } });
      return;
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      this.emit({ error: { class: 'GenericError', desc: 'QMP input must be a JSON object' } });
      return;
    }
    const { execute, id } = request as Json;
    const reply = (body: Json): void => this.emit(id === undefined ? body : { ...body, id });
    if (typeof execute !== 'string') {
      reply({ error: { class: 'GenericError', desc: "QMP input lacks member 'execute'" } });
      return;
    }
    if (!this.negotiated && execute !== 'qmp_capabilities') {
      reply({ error: { class: 'CommandNotFound', desc: "Expecting capabilities negotiation with 'qmp_capabilities'" } });
      return;
    }
    const run = this.commands[execute];
    if (run === undefined) {
      reply({ error: { class: 'CommandNotFound', desc: `The command ${execute} has not been found` } });
      return;
    }
    run(reply);
  }

  private readonly commands: Record<string, (reply: (body: Json) => void) => void> = {
    qmp_capabilities: (reply) => {
      if (this.negotiated) {
        reply({ error: { class: 'CommandNotFound', desc: 'Capabilities negotiation is already complete, command ignored' } });
        return;
      }
      this.negotiated = true;
      reply({ return: {} });
    },
    'query-status': (reply) => reply({ return: { status: this.state, singlestep: false, running: this.state === 'running' } }),
    stop: (reply) => {
      const was = this.state;
      this.state = 'paused';
      reply({ return: {} });
      if (was === 'running') this.event('STOP');
    },
    cont: (reply) => {
      const was = this.state;
      this.state = 'running';
      reply({ return: {} });
      if (was !== 'running') this.event('RESUME');
    },
    system_reset: (reply) => {
      operations.reset(this.target);
      reply({ return: {} });
      this.event('RESET', { guest: false, reason: 'host-qmp-system-reset' });
    },
    quit: (reply) => {
      reply({ return: {} });
      this.event('SHUTDOWN', { guest: false, reason: 'host-qmp-quit' });
      this.quit();
    },
  };

  private event(name: string, data?: Json): void {
    const now = Date.now();
    this.emit({ event: name, ...(data === undefined ? {} : { data }), timestamp: { seconds: Math.floor(now / 1000), microseconds: (now % 1000) * 1000 } });
  }

  private emit(body: Json): void {
    this.send(`${JSON.stringify(body)}\r\n`);
  }
}
