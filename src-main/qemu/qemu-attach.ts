// irqscope attached to a real QEMU: the user's QEMU is started stopped, bus 0 is read
// over qtest, the shadow model is built from it, breakpoints are set on the model, the
// guest is let go, and QEMU's trace drives the model until QEMU exits.
//
// This module is the QEMU side on its own: it hands out the model machine (whose event
// log is the timeline, whose debugger holds the breakpoints), QEMU's qtest and QMP, and
// the stops it made. The QEMU Target (src-main/target/qemu/) wraps a QemuAttachment;
// nothing here knows about a host or the renderer.
import type { Readable } from 'node:stream';
import type { Machine } from '../machine/machine';
import type { PauseReport } from '../../src-shared/debugger/breakpoints';
import { formatBreakLine, parseBreakRequest, BreakSyntaxError } from '../qtest/qtest-breakpoints';
import { launchQemu, QemuLaunchError, type LaunchedQemu } from './qemu-launch';
import { QmpClient } from './qmp-client';
import { QtestClient } from './qtest-client';
import { LiveMsixReader } from './live-msix';
import { markScanDone, scanBus0, SCAN_DONE } from './qemu-scan';
import { buildShadowMachine } from './shadow-machine';
import { ShadowModel } from './shadow-model';
import { onLines } from './socket-lines';
import { parseTraceLine } from './trace-line';

export interface AttachOptions {
  qemu: string;
  qemuArgs: readonly string[];
  /** `break` specs, as qtest's `break` command takes them (without the word `break`). */
  breaks: readonly string[];
  /** Seconds the guest has to enable MSI-X on some function; 0: no limit. */
  msixTimeoutS: number;
  /** irqscope's own messages (stderr). */
  say: (line: string) => void;
  /** QEMU's stdout (the serial console with -nographic) and stderr, passed through. */
  stdout: (chunk: Buffer) => void;
  stderr: (chunk: Buffer) => void;
  /** Gets every trace line from the guest's start on, as QEMU wrote it (`--save-trace`: a log `import-trace` reads). */
  traceCopy?: (line: string) => void;
}

/** One breakpoint stop of the real guest. */
export interface GuestStop {
  report: PauseReport;
  /** QEMU's time of the traced access that hit, and of its STOP event (µs since the epoch). */
  eventTimeUs: number;
  stopTimeUs: number;
  /** Trace records the model applied between the hit and the STOP event: what QEMU ran on. */
  recordsAfter: number;
}

export class AttachError extends Error {}

/** How long a QEMU whose socket closed during the attach may take to exit by itself. */
const EXIT_GRACE_MS = 2000;
/** How often the live table and PBA are read again while the guest does something (ms). */
const LIVE_READ_MS = 200;

export class QemuAttachment {
  readonly stops: GuestStop[] = [];
  /** Trace lines that are no record irqscope reads (other events, truncated lines). */
  otherLines = 0;
  /** The first MSI-X delivery's QEMU time, µs since the epoch. */
  firstDeliveryUs = Number.NaN;
  readonly startedUs = Date.now() * 1000;
  /** The guest never enabled MSI-X within --msix-timeout, and QEMU was stopped for it. */
  timedOut = false;
  private pendingStop: { report: PauseReport; eventTimeUs: number; records: number } | null = null;
  private guestRunning = false;
  /** Each function's table and PBA as QEMU holds them (read over qtest). */
  readonly live: LiveMsixReader;
  private readonly deviceListeners = new Set<(bdf: number) => void>();

  private constructor(
    private readonly launched: LaunchedQemu,
    readonly qtest: QtestClient,
    readonly qmp: QmpClient,
    readonly machine: Machine,
    readonly shadow: ShadowModel,
    private readonly say: (line: string) => void,
  ) {
    this.live = new LiveMsixReader(qtest, machine, shadow, (bdf) => {
      for (const listener of this.deviceListeners) listener(bdf);
    });
  }

  static async start(options: AttachOptions): Promise<QemuAttachment> {
    const launched = await launchQemu(options.qemu, options.qemuArgs, options.stdout, options.stderr);
    // Trace lines from before the guest runs are QEMU's own set-up and the scan's
    // accesses, both already in what the scan read: the model starts after SCAN_DONE.
    let scanned = false;
    const early: string[] = [];
    launched.traceLines((line) => {
      if (scanned) early.push(line);
      else {
        const rec = parseTraceLine(line);
        scanned = rec !== null && rec.kind === 'mr-write' && rec.region === 'pci-conf-idx' && rec.value === SCAN_DONE;
      }
    });
    const qtest = new QtestClient(launched.qtest);
    const qmp = new QmpClient(launched.qmp);
    let attachment: QemuAttachment;
    try {
      await qmp.start();
      const built = buildShadowMachine(await scanBus0(qtest, qmp));
      await markScanDone(qtest);
      if (!built.ok) throw new AttachError(`cannot model QEMU's bus 0:\n  ${built.errors.join('\n  ')}`);
      const shadow = new ShadowModel(built.machine);
      attachment = new QemuAttachment(launched, qtest, qmp, built.machine, shadow, options.say);
      for (const spec of options.breaks) attachment.addBreakpoint(spec);
    } catch (err) {
      // A closed socket is most often QEMU exiting on a bad argument of the user's: give it a moment to say so.
      const alone = err instanceof AttachError ? null : await Promise.race([launched.exited, new Promise<null>((r) => setTimeout(() => r(null), EXIT_GRACE_MS))]);
      launched.child.kill('SIGKILL');
      await launched.exited.catch(() => undefined);
      launched.cleanup();
      if (err instanceof AttachError) throw err;
      const stderr = launched.stderr().trim() || '(no output on stderr)';
      throw new AttachError(alone !== null ? `QEMU exited (status ${alone}) while irqscope attached:\n${stderr}` : `attaching failed: ${(err as Error).message}\nQEMU's stderr:\n${stderr}`);
    }
    const copy = options.traceCopy;
    // The copy is what plain QEMU would have logged: irqscope's own live reads are left out.
    const follow = copy === undefined ? (line: string) => void attachment.traceLine(line) : (line: string) => (attachment.traceLine(line) ? undefined : copy(line));
    launched.traceLines(follow);
    for (const line of early.splice(0)) follow(line);
    attachment.watchStops();
    attachment.readLive();
    attachment.msixDeadline(options.msixTimeoutS);
    await qmp.execute('cont');
    attachment.guestRunning = true;
    return attachment;
  }

  /** A breakpoint in qtest's `break` syntax (`unmask 00:02.0 0`); throws AttachError naming what is wrong. */
  addBreakpoint(spec: string): number {
    const [kind, ...words] = spec.trim().split(/\s+/);
    try {
      const request = parseBreakRequest(kind ?? '', words, this.machine);
      const added = this.machine.debugger.add(request.spec, request.enabled);
      if (!added.ok) throw new AttachError(`--break '${spec}': ${added.error}`);
      return added.value.id;
    } catch (err) {
      if (err instanceof BreakSyntaxError) throw new AttachError(`--break '${spec}': ${err.message}`);
      throw err;
    }
  }

  /** Called with a function whose live table or PBA reads differently (no event says so). */
  onDeviceChanged(listener: (bdf: number) => void): () => void {
    this.deviceListeners.add(listener);
    return () => this.deviceListeners.delete(listener);
  }

  get exited(): Promise<number> {
    return this.launched.exited;
  }

  /** Applies one trace line to the model; true when it was one of irqscope's own live reads. */
  private traceLine(line: string): boolean {
    const rec = parseTraceLine(line);
    if (rec === null) {
      this.otherLines++;
      return false;
    }
    const { deliveries, ownReads } = this.shadow.counts;
    this.shadow.apply(rec);
    if (deliveries === 0 && this.shadow.counts.deliveries === 1) this.firstDeliveryUs = rec.timeUs;
    return this.shadow.counts.ownReads !== ownReads;
  }

  /** A model pause stops the real guest; QEMU runs on until its main loop handles the stop. */
  private watchStops(): void {
    this.machine.debugger.onPause((report) => {
      this.say(formatBreakLine(report));
      if (this.guestRunning && this.pendingStop === null) this.stopFor(report);
    });
    this.qmp.onEvent((event) => {
      if (event.event === 'STOP') {
        this.guestRunning = false;
        // What the stopped guest left in its registers, for the grid at the stop.
        void this.live.refresh();
        const pending = this.pendingStop;
        this.pendingStop = null;
        if (pending !== null) {
          const stop: GuestStop = { report: pending.report, eventTimeUs: pending.eventTimeUs, stopTimeUs: event.timeUs, recordsAfter: this.guestRecords() - pending.records };
          this.stops.push(stop);
          this.say(`irqscope: guest stopped ${((stop.stopTimeUs - stop.eventTimeUs) / 1000).toFixed(3)} ms after the event (QEMU's clock; ${stop.recordsAfter} traced accesses ran on seen so far); 'continue' or 'step'`);
        }
      } else if (event.event === 'RESUME') this.guestRunning = true;
    });
  }

  private stopFor(report: PauseReport): void {
    this.pendingStop = { report, eventTimeUs: this.shadow.currentTimeUs, records: this.guestRecords() };
    this.say('irqscope: stopping the guest (QMP stop); QEMU runs on until it processes the stop');
    this.qmp.execute('stop').catch((err: Error) => this.say(`irqscope: QMP stop failed: ${err.message}`));
  }

  /** Trace records of the guest's (and the user's) accesses applied so far: irqscope's own live reads left out. */
  private guestRecords(): number {
    return this.shadow.counts.records - this.shadow.counts.ownReads;
  }

  /** Reads the live tables again whenever the model applied a guest access since the last read. */
  private readLive(): void {
    let seen = -1;
    const timer = setInterval(() => {
      const now = this.guestRecords();
      if (now === seen) return;
      seen = now;
      void this.live.refresh();
    }, LIVE_READ_MS);
    timer.unref();
    void this.launched.exited.then(() => clearInterval(timer));
  }

  /** Ends the attach with an error when no function enables MSI-X in time. */
  private msixDeadline(seconds: number): void {
    if (!(seconds > 0)) return;
    const timer = setInterval(() => {
      if (this.machine.functions().some((f) => f.msix?.enabled === true)) clearInterval(timer);
      else if (Date.now() * 1000 - this.startedUs > seconds * 1e6) {
        clearInterval(timer);
        this.say(`irqscope qemu: the guest did not enable MSI-X on any function within ${seconds} s (--msix-timeout); stopping QEMU`);
        this.timedOut = true;
        this.launched.child.kill('SIGKILL');
      }
    }, 100);
    void this.launched.exited.then(() => clearInterval(timer));
  }

  /** continue/step of the model's debugger, then QMP cont. */
  async resume(how: 'continue' | 'step'): Promise<string> {
    const dbg = this.machine.debugger;
    if (dbg.paused) {
      const result = how === 'step' ? dbg.step() : dbg.continue();
      if (!result.ok) return result.error;
    } else if (how === 'step') return 'not at a breakpoint';
    await this.letGuestRun();
    return `guest ${how === 'step' ? 'runs to the next event' : 'continues'}`;
  }

  /** After the model's debugger resumed: QMP cont, unless the guest runs already. */
  async letGuestRun(): Promise<void> {
    if (!this.guestRunning) await this.qmp.execute('cont');
    // Accesses QEMU made before its stop may have paused the model again meanwhile: stop the guest for that pause too.
    const dbg = this.machine.debugger;
    if (dbg.paused && this.pendingStop === null) this.stopFor(dbg.pauseReport!);
  }

  /** How the guest's stop for the pause logged as `markerSeq` went: under way, done (with its delay), or none made. */
  guestStopOf(markerSeq: number): { afterMs: number | null; accessesAfter: number | null } | null {
    if (this.pendingStop?.report.markerSeq === markerSeq) return { afterMs: null, accessesAfter: null };
    const stop = this.stops.find((s) => s.report.markerSeq === markerSeq);
    return stop === undefined ? null : { afterMs: Math.max(0, (stop.stopTimeUs - stop.eventTimeUs) / 1000), accessesAfter: stop.recordsAfter };
  }

  /** Ends QEMU (the app closing the target, or attaching another). */
  kill(): void {
    this.launched.child.kill('SIGKILL');
  }

  /** `query-status`'s status: running, paused, … */
  async status(): Promise<string> {
    const s = (await this.qmp.execute('query-status')) as { status: string };
    return s.status;
  }

  /**
   * Commands while attached, one a line: continue|c, step|s, stop, status, quit,
   * break SPEC; anything else is a qtest line sent to QEMU (a poke: its accesses
   * appear in the timeline as the user's own). Answers the reply text (QEMU's own for qtest).
   */
  async command(line: string): Promise<string> {
    const words = line.trim().split(/\s+/);
    switch (words[0]) {
      case '':
        return '';
      case 'continue':
      case 'c':
        return this.resume('continue');
      case 'step':
      case 's':
        return this.resume('step');
      case 'stop':
        await this.qmp.execute('stop');
        return 'guest stopped';
      case 'status':
        return `guest ${await this.status()}`;
      case 'quit':
        await this.qmp.execute('quit').catch(() => undefined);
        return 'QEMU told to quit';
      case 'break':
        try {
          return `breakpoint ${this.addBreakpoint(words.slice(1).join(' '))}`;
        } catch (err) {
          if (err instanceof AttachError) return err.message;
          throw err;
        }
      default:
        return this.qtest.command(line.trim());
    }
  }

  /** Runs commands from a stream (stdin) until it ends or QEMU exits, printing each answer as `> REPLY`. */
  serveCommands(input: Readable, print: (line: string) => void): void {
    let chain = Promise.resolve();
    onLines(input, (line) => {
      chain = chain.then(async () => {
        const reply = await this.command(line).catch((err: Error) => err.message);
        if (reply !== '') print(`> ${reply}`);
      });
    });
  }

  close(): void {
    this.qtest.close();
    this.qmp.close();
    this.launched.cleanup();
  }
}

export { QemuLaunchError };
