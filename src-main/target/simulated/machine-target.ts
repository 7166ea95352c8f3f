// The simulated machine as a Target, all but its qtest endpoint (simulated-target.ts
// adds that): the adapter every host, handler and CLI command reaches the Machine
// through, and what the qtest session runs its operations on. What only the machine
// can judge (no such device, past the end of config space, a vector the device does
// not have) is checked here before anything is touched and answered as a Refusal
// naming the field.
import { sourceVectorError, type Machine } from '../../machine/machine';
import { AccessStatus, type AddressSpace } from '../../machine/address-space';
import { StateHistory } from '../../history/state-history';
import { encodeSession } from '../../session/machine-snapshot';
import { runSetpciLine } from '../../pci-tools/setpci-line';
import { configAccessor, printableDevice } from '../../pci-tools/machine-pci-view';
import { formatBdf } from '../../../src-shared/pci-text/bdf';
import { Origin } from '../../../src-shared/timeline/event-kinds';
import type { AccessResult, SetpciReply, SourceInfo } from '../../../src-shared/ipc/contract';
import type { DeferredAction } from '../../../src-shared/debugger/breakpoints';
import type { ConfigAccessor } from '../../../src-shared/pci-text/setpci';
import type { PrintableDevice } from '../../../src-shared/pci-text/lspci-print';
import { MachineInspection, requireFunction, sourcesOf } from './machine-inspection';
import { done, refuse, type ActionDone, type EventStream, type Outcome, type Target, type TargetDebugger, type TargetInspection } from '../target';

const hex = (n: number): string => `0x${n.toString(16)}`;
const STATUS_NAMES = { [AccessStatus.Ok]: 'ok', [AccessStatus.Refused]: 'refused', [AccessStatus.Unclaimed]: 'unclaimed' } as const;
const IO_END = 0x10000;

/** Runs `act` with the machine's events attributed to `origin`. */
export function as<T>(machine: Machine, origin: Origin, act: () => T): T {
  const saved = machine.log.currentOrigin;
  machine.log.currentOrigin = origin;
  try {
    return act();
  } finally {
    machine.log.currentOrigin = saved;
  }
}

function fits(value: number, size: number): Outcome<null> {
  return size < 4 && value >= 2 ** (8 * size) ? refuse('value', `${hex(value)} does not fit in ${size} byte${size === 1 ? '' : 's'}`) : done(null);
}

function access(space: AddressSpace, value: number): AccessResult {
  return { value: value >>> 0, high: space.readHigh >>> 0, status: STATUS_NAMES[space.lastStatus] };
}

function portRange(port: number, size: number): Outcome<null> {
  return port + size > IO_END ? refuse('port', `${hex(port)}+${size} runs past the end of I/O space`) : done(null);
}

export class MachineTarget extends MachineInspection implements Omit<Target, 'qtest' | 'poke'> {
  readonly label: string = 'the simulated machine';
  readonly watchOnly: string | null = null;
  /** Rebuilds earlier states (made when first asked: it builds a second machine; the run's checkpoints are the machine's). */
  private history: StateHistory | null = null;

  constructor(override readonly machine: Machine) {
    super(machine);
  }

  get name(): string | null {
    return this.machine.description.name ?? null;
  }

  get description() {
    return this.machine.description;
  }

  get events(): EventStream {
    return this.machine.log;
  }

  get debugger(): TargetDebugger {
    return this.machine.debugger;
  }

  get halted(): boolean {
    return this.machine.clock.halted;
  }

  /** A simulated machine's state changes only by events: nothing to call. */
  onDeviceChanged(_listener: (bdf: number) => void): () => void {
    return () => undefined;
  }

  private configChecked(bdf: number, offset: number, size: number): Outcome<null> {
    const fn = requireFunction(this.machine, bdf);
    if (!fn.ok) return fn;
    const space = fn.value.config.size;
    if (offset + size > space) return refuse('offset', `${hex(offset)}+${size} is past the end of the ${space}-byte config space of ${formatBdf(bdf)}`);
    if (offset % size !== 0) return refuse('offset', `${hex(offset)} is not aligned to the access size ${size}`);
    return done(null);
  }

  readConfig(bdf: number, offset: number, size: 1 | 2 | 4): Outcome<number> {
    const checked = this.configChecked(bdf, offset, size);
    if (!checked.ok) return checked;
    return done(as(this.machine, Origin.User, () => this.machine.bus.configRead(bdf, offset, size)));
  }

  writeConfig(bdf: number, offset: number, size: 1 | 2 | 4, value: number): Outcome<number> {
    const checked = this.configChecked(bdf, offset, size);
    if (!checked.ok) return checked;
    const fit = fits(value, size);
    if (!fit.ok) return fit;
    as(this.machine, Origin.User, () => this.machine.bus.configWrite(bdf, offset, size, value));
    return done(this.machine.fn(bdf)!.config.read(offset, size));
  }

  readMemory(address: number, size: 1 | 2 | 4 | 8): Outcome<AccessResult> {
    const memory = this.machine.memory;
    const value = as(this.machine, Origin.User, () => memory.read(address, size));
    return done(access(memory, value));
  }

  writeMemory(address: number, size: 1 | 2 | 4 | 8, value: number, high: number): Outcome<AccessResult> {
    const fit = fits(value, size);
    if (!fit.ok) return fit;
    const memory = this.machine.memory;
    as(this.machine, Origin.User, () => memory.write(address, size, value, high));
    return done({ ...access(memory, 0), high: 0 });
  }

  readPort(port: number, size: 1 | 2 | 4): Outcome<AccessResult> {
    const range = portRange(port, size);
    if (!range.ok) return range;
    const io = this.machine.io;
    const value = as(this.machine, Origin.User, () => io.read(port, size));
    return done(access(io, value));
  }

  writePort(port: number, size: 1 | 2 | 4, value: number): Outcome<AccessResult> {
    const range = portRange(port, size);
    if (!range.ok) return range;
    const fit = fits(value, size);
    if (!fit.ok) return fit;
    const io = this.machine.io;
    as(this.machine, Origin.User, () => io.write(port, size, value));
    return done({ ...access(io, 0), high: 0 });
  }

  setpci(line: string, bdf: number | null): Outcome<SetpciReply> {
    if (bdf !== null && this.machine.fn(bdf) === null) return refuse('bdf', `no device at ${formatBdf(bdf)}`);
    return done(as(this.machine, Origin.User, () => runSetpciLine(this.machine, line, bdf)));
  }

  configAccessor(): ConfigAccessor {
    return configAccessor(this.machine);
  }

  printableDevices(select: (address: number, bdf: number) => boolean = () => true, withDomain = false): PrintableDevice[] {
    const all = this.machine.functions();
    const domains = withDomain || all.some((fn) => fn.domain !== 0);
    return all.filter((fn) => select(fn.address, fn.bdf)).map((fn) => printableDevice(this.machine, fn, domains));
  }

  act(action: Exclude<DeferredAction, { kind: 'advance' }>): Outcome<ActionDone> {
    const fn = requireFunction(this.machine, action.bdf);
    if (!fn.ok) return fn;
    if (action.kind !== 'raise') {
      const engine = action.kind === 'msiNotify' ? fn.value.msi : fn.value.msix;
      if (engine === null) return refuse('bdf', `${formatBdf(action.bdf)} (${fn.value.name}) has no ${action.kind === 'msiNotify' ? 'MSI' : 'MSI-X'} capability`);
    }
    const debug = this.machine.debugger;
    if (debug.paused && debug.queued.length >= debug.limits.queued) return refuse('', `${debug.queued.length} actions already wait for continue or step: run them first`);
    const log = this.machine.log;
    const before = log.total;
    // Through the debugger: while the machine is paused, device-side work waits for continue or step.
    const outcome = debug.perform(action);
    // The device, its engine and room in the queue are there (checked above): what is left to refuse is the vector.
    if (!outcome.ok) return refuse('vector', outcome.error);
    return done({ events: log.total - before, queued: outcome.status === 'done' ? null : outcome.position });
  }

  asUser<T>(act: () => T): T {
    return as(this.machine, Origin.User, act);
  }

  useCount(bdf: number, vector: number): number {
    return this.machine.fn(bdf)?.msix?.useCount[vector] ?? 0;
  }

  startSource(bdf: number, vector: number, ratePerSecond: number): Outcome<SourceInfo> {
    const fn = requireFunction(this.machine, bdf);
    if (!fn.ok) return fn;
    const problem = sourceVectorError(fn.value, vector);
    if (problem !== null) return refuse('vector', problem);
    const source = this.machine.startSource(fn.value, vector, ratePerSecond);
    return done({ bdf, vector, ratePerSecond: source.ratePerSecond });
  }

  stopSource(bdf: number, vector: number): Outcome<boolean> {
    const fn = requireFunction(this.machine, bdf);
    return fn.ok ? done(this.machine.stopSource(bdf, vector)) : fn;
  }

  sources(): SourceInfo[] {
    return sourcesOf(this.machine);
  }

  reset(): Outcome<null> {
    this.machine.systemReset();
    return done(null);
  }

  run(ns: number, maxFirings: number): boolean {
    return this.machine.step(ns, maxFirings);
  }

  at(seq: number): Outcome<TargetInspection> {
    // Between two operations: where the run stands is worth a checkpoint for the next query.
    this.machine.checkpoints.offer();
    this.history ??= new StateHistory(this.machine);
    const at = this.history.at(seq);
    return at.ok ? done(new MachineInspection(at.machine)) : refuse('seq', at.error);
  }

  save(): Outcome<Uint8Array> {
    return done(encodeSession(this.machine));
  }

  close(): void {}
}
