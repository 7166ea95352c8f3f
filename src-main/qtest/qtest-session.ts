// QEMU's qtest protocol over a Machine: one line in, one reply line out, in the
// exact formats QEMU uses (`OK`, `OK 0x…`, `FAIL …`), plus irqscope's extensions for
// what a guest cannot do itself (device-side interrupts, MSI-X engine operations)
// and for the debugger.
//
// Debugger commands (each answers one line):
//   break unmask BDF|any VECTORS|any [CAUSES] [OPTIONS]          -> OK <id>
//   break notify BDF|any VECTORS|any OUTCOMES [OPTIONS]
//   break pending BDF|any VECTORS|any [OPTIONS]                   (pending bit 0 -> 1)
//   break config BDF|any OFFSET|REGISTER [LENGTH] [OPTIONS]       (a config write touching the bytes)
//   break mmio ADDR LENGTH [read|write|rw] [OPTIONS]              (default rw)
//   break port PORT LENGTH [read|write|rw] [OPTIONS]
//   break deliver CPU|any IDT|any [OPTIONS]                       (a message delivered to that CPU / IDT vector)
//     VECTORS: 3 | 1,3,5 | 0-3 | any      CAUSES: vector-bit,function-mask,enable,load (default all)
//     OUTCOMES: delivered,pended,dropped  REGISTER: COMMAND, BASE_ADDRESS_1, MSIX_FLAGS, … (its offset and size)
//     OPTIONS: value=X[/MASK] (hits when value & MASK == X), minhits=N (from the Nth hit on),
//              trace (a tracepoint: logs, never stops), disabled (created disabled)
//   break list                  -> OK #1 unmask 00:03.0 1 count=0; #2 … disabled count=3   (OK none when empty)
//   break delete|enable|disable N -> OK
//   continue                    -> OK running | OK paused (a breakpoint hit again while the queue ran)
//   step                        -> OK paused (after the next event) | OK running (nothing queued: pauses at the next event)
//   until [BDF VECTOR]          -> like step, up to the next event of that vector (default: the vector paused at)
//   cancel                      -> OK cancelled step|until-vector: disarms a step or until still waiting for its event
// A pause is announced by an asynchronous line before the reply of the command that
// caused it (formatBreakLine):
//   BREAK bp=1 seq=42 t=0 kind=VectorUnmasked dev=00:03.0 vector=1 masked=0 pending=0 use=1 fmask=0 enable=1 : vector 1 unmasked (vector bit)
// Also: setpci ARGS… (pciutils' setpci syntax: `setpci -s 00:03.0 COMMAND=0x6`; values read come
// back as `OK 0006 …`), source_start BDF VECTOR RATE and source_stop BDF VECTOR (periodic raises),
// interrupts (the APIC's counts, like /proc/interrupts: `OK CPU1 0x41=2; CPU0 NMI=1` or `OK none`)
//
// While paused, device_irq, msix_notify, msi_notify, msix_use, msix_unuse, clock_step and
// clock_set are queued and answer at once:
//   OK queued #N: <what> (runs at continue or step)         device_irq, msix_notify, …
//   OK <now> queued #N: clock to <ns> (runs at continue or step)   clock_step, clock_set
// and a clock_step or clock_set that a breakpoint cuts short answers the same way for its rest.
// The device-side commands go through the operations layer, the same operations the
// app's requests call, so they queue, refuse and count alike on both paths.
//
// A line that drives the clock and has more to fire than one slice comes back from
// `begin` as a LongLine (advance-line.ts) that the line pump runs on a slice at a time;
// `execute` runs such a line to its end before it returns.
import type { Machine } from '../machine/machine';
import { MAX_SOURCE_RATE } from '../operations/limits';
import { MachineTarget } from '../target/simulated/machine-target';
import type { ActionDone, Outcome } from '../target/target';
import { operations } from '../operations/operations';
import type { PciFunction } from '../machine/pci/pci-function';
import type { MsixEngine } from '../machine/msix/msix-engine';
import { formatBdf, parseBdf } from '../machine/pci/pci-bus';
import { integerText, parseQemuSigned, parseU64, quoted } from './qtest-numbers';
import { QemuCommands } from './qemu-commands';
import { QtestInputError as CommandError } from './qtest-input-error';
import { IrqIntercept } from './irq-intercept';
import { configAccessor } from '../pci-tools/machine-pci-view';
import { runSetpci } from '../../src-shared/pci-text/setpci';
import { BREAK_USAGE, BreakSyntaxError, formatBreakLine, formatListEntry, parseBreakRequest } from './qtest-breakpoints';
import type { PerformOutcome, ResumeResult } from '../../src-shared/debugger/breakpoints';
import { doctorReply } from './qtest-doctor';
import { Underway } from '../machine/debugger/underway';
import { AdvanceLine, SLICE_FIRINGS, WaitingLine } from './advance-line';
import { clockCommand } from './long-commands';
import type { LongLine } from './line-pump';

/** A command's reply, or its advance still running. */
type Reply = string | AdvanceLine;
type Handler = (args: string[]) => Reply;

export interface QtestSessionOptions {
  /**
   * true (sockets, stdin): every line gets exactly one reply, so a lock-step client
   * never waits: a `#` comment answers `OK`, an empty line `FAIL`. false (script files,
   * the app's script console): comments and blank lines are skipped without a reply.
   */
  replyToEveryLine: boolean;
}

/** The qtest command a queued device-side action came from. */
const QUEUED_COMMAND = { raise: 'device_irq', notify: 'msix_notify', msiNotify: 'msi_notify', use: 'msix_use', unuse: 'msix_unuse' } as const;

export class QtestSession {
  private readonly commands: Map<string, { arity: number; usage: string; run: Handler }>;
  /** BREAK lines not yet written: they go out before the next reply. */
  private readonly asyncLines: string[] = [];
  private readonly unsubscribe: () => void;
  private readonly qemu: QemuCommands;
  private readonly irq: IrqIntercept;
  /** The machine as the operations layer takes it. */
  private readonly target: MachineTarget;

  constructor(
    private readonly machine: Machine,
    private readonly options: QtestSessionOptions = { replyToEveryLine: false },
  ) {
    this.target = new MachineTarget(machine);
    this.unsubscribe = machine.debugger.onPause((report) => this.asyncLines.push(formatBreakLine(report)));
    this.irq = new IrqIntercept(machine, (line) => this.asyncLines.push(line));
    this.qemu = new QemuCommands(machine, this.irq);
    this.commands = new Map();
    const add = (name: string, usage: string, run: Handler): void => {
      const arity = usage.split(' ').length - 1;
      this.commands.set(name, { arity, usage, run });
    };
    add('system_reset', 'system_reset', () => {
      this.outcome(operations.reset(this.target));
      return 'OK';
    });
    add('device_irq', 'device_irq BDF VECTOR', (a) => this.deviceIrq(a));
    add('msix_notify', 'msix_notify BDF VECTOR', (a) => this.msixNotify(a));
    add('msi_notify', 'msi_notify BDF VECTOR', (a) => this.msiNotify(a));
    add('msix_use', 'msix_use BDF VECTOR', (a) => this.msixUse(a));
    add('msix_unuse', 'msix_unuse BDF VECTOR', (a) => this.msixUnuse(a));
    add('msix_reset', 'msix_reset BDF', (a) => {
      this.msix(a[0]!).reset();
      return 'OK';
    });
    add('msix_save', 'msix_save BDF', (a) => `OK ${toHex(this.msix(a[0]!).save())}`);
    add('msix_load', 'msix_load BDF HEX', (a) => this.msixLoad(a));
    add('interrupts', 'interrupts', () => this.interrupts());
    add('doctor', 'doctor', () => doctorReply(this.machine));
    add('source_start', 'source_start BDF VECTOR RATE', (a) => this.sourceStart(a));
    add('source_stop', 'source_stop BDF VECTOR', (a) => {
      const fn = this.fn(a[0]!);
      if (!this.outcome(operations.stopSource(this.target, { bdf: fn.bdf, vector: this.vector(a[1]!) }))) {
        throw new CommandError(`no interval source on ${formatBdf(fn.bdf)} vector ${a[1]}`);
      }
      return 'OK';
    });
    add('continue', 'continue', () => this.resumed('continue', this.machine.debugger.continue(SLICE_FIRINGS)));
    add('step', 'step', () => this.resumed('step', this.machine.debugger.step(SLICE_FIRINGS)));
    add('cancel', 'cancel', () => {
      const r = operations.cancelRun(this.target);
      return r.ok ? `OK cancelled ${r.value}` : `FAIL cancel: ${r.error}`;
    });
  }

  /**
   * Executes one line to its end; returns the reply line, or null for a comment or
   * blank line of a script. Asynchronous lines (BREAK, IRQ raise/lower) announced since
   * the last reply come first, each on its own line.
   */
  execute(line: string): string | null {
    const reply = this.start(line);
    return reply instanceof AdvanceLine ? reply.finish() : reply;
  }

  /**
   * Executes one line as the line pump runs it: the reply, or a line that drives the
   * clock still running (LongLine). A clock line sent while another's advance is under
   * way waits for it to end.
   */
  begin(line: string): string | null | LongLine {
    const command = this.machine.debugger.underway === null ? null : clockCommand(line);
    if (command === null) return this.start(line);
    // A clock line is no comment, so it always gets a reply.
    return new WaitingLine(command, line, () => this.machine.debugger.underway !== null, (l) => this.start(l)!);
  }

  private start(line: string): string | null | AdvanceLine {
    // Before a line the machine is between operations: a checkpoint may be taken.
    this.machine.checkpoints.offer();
    const reply = this.reply(line);
    if (reply instanceof AdvanceLine) return reply;
    if (reply !== null) return this.announced(reply);
    this.irq.collect();
    return null;
  }

  /** The reply after the asynchronous lines announced since the last one. */
  private announced(reply: string): string {
    this.irq.collect();
    if (this.asyncLines.length === 0) return reply;
    const lines = [...this.asyncLines, reply].join('\n');
    this.asyncLines.length = 0;
    return lines;
  }

  /** Stops listening to the machine's pauses. */
  dispose(): void {
    this.unsubscribe();
  }

  private reply(line: string): Reply | null {
    const comment = line.trimStart().startsWith('#');
    if (!this.options.replyToEveryLine && (comment || line.trim() === '')) return null;
    if (comment) return 'OK';
    if (line === '') return 'FAIL empty line';
    // Words are separated by single spaces, as QEMU splits them.
    const words = line.split(' ');
    const name = words[0]!;
    try {
      const reply = this.qemu.has(name) ? this.qemu.run(name, words.slice(1)) : this.dispatch(name, extensionWords(words.slice(1)));
      return typeof reply === 'string' && reply.startsWith('FAIL') ? quoted(reply) : reply;
    } catch (err) {
      if (err instanceof CommandError) return quoted(`FAIL ${name}: ${err.message}`);
      throw err;
    }
  }

  private dispatch(name: string, args: string[]): Reply {
    if (name === 'clock_step') return this.clockStep(args);
    if (name === 'clock_set') return this.clockSet(args);
    if (name === 'break') return this.breakCommand(args);
    if (name === 'until') return this.until(args);
    if (name === 'setpci') return this.setpci(args);
    const command = this.commands.get(name);
    if (command === undefined) return `FAIL Unknown command '${name}'`;
    if (args.length !== command.arity) {
      return `FAIL ${name}: expected ${command.arity} argument${command.arity === 1 ? '' : 's'} (usage: ${command.usage}), got ${args.length}`;
    }
    return command.run(args);
  }

  /**
   * pciutils' setpci, one line: values read are answered space-separated after OK, then
   * `# …` for each write that did not all take. A line that selects no device fails.
   */
  private setpci(args: string[]): string {
    const result = runSetpci(args, configAccessor(this.machine), { noDeviceIsError: true });
    if (result.exitCode !== 0) return `FAIL ${result.errors[0] ?? 'setpci failed'}`;
    return ['OK', ...result.output, ...result.notes.map((n) => `# ${n}`)].join(' ');
  }

  /** The APIC's delivery counts, like /proc/interrupts: every non-zero CPU and IDT vector (or mode). */
  private interrupts(): string {
    const parts: string[] = [];
    for (const row of this.machine.apic.countRows()) {
      row.perCpu.forEach((n, cpu) => {
        if (n > 0) parts.push(`CPU${cpu} ${row.label}=${n}`);
      });
    }
    return parts.length === 0 ? 'OK none' : `OK ${parts.join('; ')}`;
  }

  /** A periodic interrupt source: the device model raises cause VECTOR RATE times per virtual second. */
  private sourceStart(args: string[]): string {
    const fn = this.fn(args[0]!);
    const vector = this.vector(args[1]!);
    if (fn.msix !== null && vector >= fn.msix.vectors) throw this.rangeError(fn.msix, vector, 'no source started');
    const r = parseU64(args[2]!, 'rate');
    // qtest's rates are whole numbers, so 1 is the slowest; the operation bounds the rest, and its refusal is said in qtest's words.
    const wrong = new CommandError(`rate '${args[2]}' must be a whole number of raises per second in 1..${MAX_SOURCE_RATE}`);
    if (!r.ok || r.value < 1n || r.value > BigInt(Number.MAX_SAFE_INTEGER)) throw wrong;
    const started = operations.startSource(this.target, { bdf: fn.bdf, vector, ratePerSecond: Number(r.value) });
    if (!started.ok && started.field === 'ratePerSecond') throw wrong;
    this.outcome(started);
    return 'OK';
  }

  /** Without an argument, QEMU steps to the next timer deadline. */
  private clockStep(args: string[]): Reply {
    if (args.length > 1) return 'FAIL clock_step: expected at most 1 argument (usage: clock_step [NS])';
    const clock = this.machine.clock;
    let ns: number;
    if (args.length === 0) {
      const due = clock.nextDue();
      ns = due === Infinity ? 0 : due - clock.now;
    } else {
      // QEMU's qemu_strtoi64; a step back in time changes nothing.
      const r = parseQemuSigned(args[0]!, 64, 'clock_step');
      if (!r.ok) return `FAIL ${r.error}`;
      ns = r.value < 0n ? 0 : Number(r.value);
    }
    return this.advance('clock_step', clock.now + ns);
  }

  private clockSet(args: string[]): Reply {
    if (args.length !== 1) return 'FAIL clock_set: expected 1 argument (usage: clock_set NS)';
    const r = parseQemuSigned(args[0]!, 64, 'clock_set');
    if (!r.ok) return `FAIL ${r.error}`;
    const target = Number(r.value);
    if (target <= this.machine.clock.now) return `OK ${integerText(this.machine.clock.now)}`;
    return this.advance('clock_set', target);
  }

  /** A clock advance through the debugger, run a slice of firings at a time. */
  private advance(command: string, targetNs: number): Reply {
    const outcome = this.machine.debugger.perform({ kind: 'advance', targetNs }, SLICE_FIRINGS);
    const reply = (o: PerformOutcome): string => this.advanced(command, o, targetNs);
    return outcome instanceof Underway ? this.running(command, outcome, reply) : reply(outcome);
  }

  /** The time reached, and the note for an advance queued (or cut short by a pause and its rest queued). */
  private advanced(command: string, outcome: PerformOutcome, targetNs: number): string {
    if (!outcome.ok) return `FAIL ${command}: ${outcome.error}`;
    const note = outcome.status === 'done' ? '' : queuedNote(outcome.position, `clock to ${integerText(targetNs)}`);
    return `OK ${integerText(this.machine.clock.now)}${note}`;
  }

  private running<T>(command: string, work: Underway<T>, reply: (outcome: T) => string): AdvanceLine {
    return AdvanceLine.of(command, work, this.machine.clock, reply, (r) => this.announced(r));
  }

  /** The value of an operation's outcome; its refusal (with `consequence` said after it) is the command's FAIL. */
  private outcome<T>(outcome: Outcome<T>, consequence = ''): T {
    if (!outcome.ok) throw new CommandError(`${outcome.error}${consequence}`);
    return outcome.value;
  }

  /** A device-side action through the operations layer; returns the note for a queued one ('' when done). */
  private act(kind: keyof typeof QUEUED_COMMAND, bdf: number, vector: number, outcome: Outcome<ActionDone>, consequence = ''): string {
    const { queued } = this.outcome(outcome, consequence);
    return queued === null ? '' : queuedNote(queued, `${QUEUED_COMMAND[kind]} ${formatBdf(bdf)} ${vector}`);
  }

  /** continue, step or until: the machine runs its queue, a slice of firings at a time. */
  private resumed(command: string, result: ResumeResult | Underway<ResumeResult>): Reply {
    const reply = (r: ResumeResult): string => (!r.ok ? `FAIL ${command}: ${r.error}` : r.paused ? 'OK paused' : 'OK running');
    return result instanceof Underway ? this.running(command, result, reply) : reply(result);
  }

  private until(args: string[]): Reply {
    if (args.length !== 0 && args.length !== 2) return 'FAIL until: expected 0 or 2 arguments (usage: until [BDF VECTOR])';
    const debug = this.machine.debugger;
    try {
      if (args.length === 0) return this.resumed('until', debug.runUntilVectorEvent(undefined, SLICE_FIRINGS));
      const fn = this.fn(args[0]!);
      const vector = this.vector(args[1]!);
      // An MSI-X vector past the table says why; the debugger checks MSI vectors and functions with neither.
      if (fn.msix !== null && vector >= fn.msix.vectors) throw this.rangeError(fn.msix, vector, 'nothing to wait for');
      return this.resumed('until', debug.runUntilVectorEvent({ bdf: fn.bdf, vector }, SLICE_FIRINGS));
    } catch (err) {
      if (err instanceof CommandError) return `FAIL until: ${err.message}`;
      throw err;
    }
  }

  private breakCommand(args: string[]): string {
    const debug = this.machine.debugger;
    const sub = args[0];
    if (sub === undefined) return `FAIL break: expected arguments (usage: ${BREAK_USAGE})`;
    const rest = args.slice(1);
    if (sub === 'list') {
      if (rest.length > 0) return 'FAIL break list: expected no arguments';
      const list = debug.list();
      return list.length === 0 ? 'OK none' : `OK ${list.map(formatListEntry).join('; ')}`;
    }
    if (sub === 'delete' || sub === 'enable' || sub === 'disable') {
      if (rest.length !== 1) return `FAIL break ${sub}: expected 1 argument (usage: break ${sub} N)`;
      const id = parseU64(rest[0]!, 'breakpoint');
      if (!id.ok) return `FAIL break ${sub}: ${id.error}`;
      const n = Number(id.value);
      const found = sub === 'delete' ? debug.remove(n) : debug.setEnabled(n, sub === 'enable') !== null;
      return found ? 'OK' : `FAIL break ${sub}: no breakpoint ${rest[0]}`;
    }
    try {
      const request = parseBreakRequest(sub, rest, this.machine);
      const added = debug.add(request.spec, request.enabled);
      return added.ok ? `OK ${added.value.id}` : `FAIL break ${sub}: ${added.error}`;
    } catch (err) {
      if (err instanceof BreakSyntaxError) return `FAIL break ${sub}: ${err.message}`;
      throw err;
    }
  }

  private fn(text: string): PciFunction {
    const bdf = parseBdf(text);
    if (bdf === undefined) throw new CommandError(`'${text}' is not a PCI address like 00:03.0`);
    const fn = this.machine.fn(bdf);
    if (fn === null) throw new CommandError(`no device at ${formatBdf(bdf)}`);
    return fn;
  }

  private msix(text: string): MsixEngine {
    const fn = this.fn(text);
    if (fn.msix === null) throw new CommandError(`${formatBdf(fn.bdf)} (${fn.name}) has no MSI-X capability`);
    return fn.msix;
  }

  private vector(text: string): number {
    const r = parseU64(text, 'vector');
    if (!r.ok) throw new CommandError(r.error);
    if (r.value > 0xffffn) throw new CommandError(`vector ${text} is beyond 65535 (MSI-X has at most 2048 vectors)`);
    return Number(r.value);
  }

  private rangeError(msix: MsixEngine, vector: number, consequence: string): CommandError {
    return new CommandError(`vector ${vector} out of range 0..${msix.vectors - 1} (${consequence})`);
  }

  private deviceIrq(args: string[]): string {
    const fn = this.fn(args[0]!);
    const vector = this.vector(args[1]!);
    const queued = this.act('raise', fn.bdf, vector, operations.fire(this.target, { bdf: fn.bdf, vector }));
    if (queued !== '') return `OK${queued}`;
    return fn.msix?.enabled && vector >= fn.msix.vectors ? dropped(fn.msix, vector) : 'OK';
  }

  /**
   * N1: the engine records an out-of-range notify as a drop. That is a change of state
   * (an event, maybe a breakpoint hit), so the reply is an OK that says what happened.
   */
  private msixNotify(args: string[]): string {
    const msix = this.msix(args[0]!);
    const vector = this.vector(args[1]!);
    const bdf = this.fn(args[0]!).bdf;
    const queued = this.act('notify', bdf, vector, operations.notify(this.target, { bdf, vector }));
    if (queued !== '') return `OK${queued}`;
    return vector >= msix.vectors ? dropped(msix, vector) : 'OK';
  }

  /** msi_notify of plain MSI; a vector past Multiple Message Enable is recorded as a drop (QEMU asserts). */
  private msiNotify(args: string[]): string {
    const fn = this.fn(args[0]!);
    if (fn.msi === null) throw new CommandError(`${formatBdf(fn.bdf)} (${fn.name}) has no MSI capability`);
    const vector = this.vector(args[1]!);
    const queued = this.act('msiNotify', fn.bdf, vector, operations.msiNotify(this.target, { bdf: fn.bdf, vector }));
    if (queued !== '') return `OK${queued}`;
    const enabled = fn.msi.vectorsEnabled;
    if (vector >= enabled) throw new CommandError(`vector ${vector} out of range 0..${enabled - 1} (Multiple Message Enable); recorded as a drop`);
    return 'OK';
  }

  /** msix_use / msix_unuse: device-side, so they wait while paused, as device_irq does. */
  private msixUse(args: string[]): string {
    const bdf = this.fn(args[0]!).bdf;
    const vector = this.vector(args[1]!);
    return `OK${this.act('use', bdf, vector, operations.use(this.target, { bdf, vector }))}`;
  }

  private msixUnuse(args: string[]): string {
    const bdf = this.fn(args[0]!).bdf;
    const vector = this.vector(args[1]!);
    return `OK${this.act('unuse', bdf, vector, operations.unuse(this.target, { bdf, vector }), ' (ignored)')}`;
  }

  private msixLoad(args: string[]): string {
    const msix = this.msix(args[0]!);
    const text = args[1]!.replace(/^0x/i, '');
    if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new CommandError('state is not a string of hex byte pairs');
    const r = msix.load(Uint8Array.from(Buffer.from(text, 'hex')));
    if (!r.ok) throw new CommandError(r.error);
    return 'OK';
  }
}

function queuedNote(position: number, what: string): string {
  return ` queued #${position}: ${what} (runs at continue or step)`;
}

function dropped(msix: MsixEngine, vector: number): string {
  return `OK dropped: vector ${vector} out of range 0..${msix.vectors - 1}`;
}

/** irqscope's extensions take exactly their arguments: trailing spaces are ignored, an empty word is not. */
function extensionWords(words: string[]): string[] {
  let end = words.length;
  while (end > 0 && words[end - 1] === '') end--;
  const args = words.slice(0, end);
  if (args.includes('')) throw new CommandError('an empty argument (two spaces in a row)');
  return args;
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
