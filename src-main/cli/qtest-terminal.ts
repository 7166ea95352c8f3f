// The terminal's side of a command that serves qtest (`irqscope qtest`, the QEMU
// drop-in): a line that runs longer than a second reports its progress on stderr about
// once a second — never into the reply stream a qtest client parses — and Ctrl+C (or
// SIGTERM) stops the line pumps at their next slice: a running line is answered with
// how far it got, then the command ends. A second Ctrl+C ends the process at once.
import type { Writable } from 'node:stream';
import { constants } from 'node:os';
import type { ProgressReport, PumpOptions } from '../qtest/line-pump';

export interface QtestTerminal {
  /** The pump options: the stop signal and the progress reporter. */
  readonly pump: PumpOptions & { signal: AbortSignal };
  /** Stops listening for the signals. */
  dispose(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** `program` names the reporter in its stderr lines (`irqscope qtest`). */
export function qtestTerminal(stderr: Writable, program: string): QtestTerminal {
  const controller = new AbortController();
  const handlers = SIGNALS.map((name) => {
    const handler = (): void => {
      // The first one waits for the next slice; a second means now.
      if (controller.signal.aborted) process.exit(128 + constants.signals[name]);
      controller.abort(name === 'SIGINT' ? 'Ctrl+C' : name);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    pump: { signal: controller.signal, progress: (report) => stderr.write(`${program}: ${progressText(report)}\n`) },
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/** `clock_step running 3 s: at 1500000000 ns of 20000000000 ns, 1500000 firings, 0.50 M firings/s (Ctrl+C stops it)` */
export function progressText(p: ProgressReport): string {
  const rate = p.firingsPerSecond >= 1e6 ? `${(p.firingsPerSecond / 1e6).toFixed(2)} M` : `${Math.round(p.firingsPerSecond)}`;
  return `${p.command} running ${Math.round(p.elapsedMs / 1000)} s: at ${p.nowNs} ns of ${p.targetNs} ns, ${p.firings} firings, ${rate} firings/s (Ctrl+C stops it)`;
}
