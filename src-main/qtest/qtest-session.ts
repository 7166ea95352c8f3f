// QEMU's qtest protocol over a Machine: one line in, one reply line out, in the
// exact formats QEMU uses (`OK`, `OK 0x…`, `FAIL …`), plus irqscope's extensions for
// what a guest cannot do itself (device-side interrupts, MSI-X engine operations).
import type { Machine } from '../machine/machine';
import type { PciFunction } from '../machine/pci/pci-function';
import type { MsixEngine } from '../machine/msix/msix-engine';
import { formatBdf, parseBdf } from '../machine/pci/pci-bus';
import { hex16, parseAddress, parseSized, parseU64 } from './qtest-numbers';

type Handler = (args: string[]) => string;

class CommandError extends Error {}

const SIZE_OF: Record<string, number> = { b: 1, w: 2, l: 4, q: 8 };
const MAX_BULK = 1 << 24;

export class QtestSession {
  private readonly commands: Map<string, { arity: number; usage: string; run: Handler }>;

  constructor(private readonly machine: Machine) {
    this.commands = new Map();
    const add = (name: string, usage: string, run: Handler): void => {
      const arity = usage.split(' ').length - 1;
      this.commands.set(name, { arity, usage, run });
    };
    for (const [suffix, size] of Object.entries(SIZE_OF)) {
      if (size !== 8) {
        add(`out${suffix}`, `out${suffix} ADDR VALUE`, (a) => this.out(a, size));
        add(`in${suffix}`, `in${suffix} ADDR`, (a) => this.in(a, size));
      }
      add(`write${suffix}`, `write${suffix} ADDR VALUE`, (a) => this.writeN(a, size));
      add(`read${suffix}`, `read${suffix} ADDR`, (a) => this.readN(a, size));
    }
    add('read', 'read ADDR SIZE', (a) => this.readBulk(a));
    add('write', 'write ADDR SIZE DATA', (a) => this.writeBulk(a));
    add('memset', 'memset ADDR SIZE VALUE', (a) => this.memset(a));
    add('b64read', 'b64read ADDR SIZE', (a) => this.b64read(a));
    add('b64write', 'b64write ADDR SIZE DATA', (a) => this.b64write(a));
    add('endianness', 'endianness', () => 'OK little');
    add('system_reset', 'system_reset', () => {
      this.machine.systemReset();
      return 'OK';
    });
    add('device_irq', 'device_irq BDF VECTOR', (a) => this.deviceIrq(a));
    add('msix_notify', 'msix_notify BDF VECTOR', (a) => this.msixNotify(a));
    add('msix_use', 'msix_use BDF VECTOR', (a) => this.msixUse(a));
    add('msix_unuse', 'msix_unuse BDF VECTOR', (a) => this.msixUnuse(a));
    add('msix_reset', 'msix_reset BDF', (a) => {
      this.msix(a[0]!).reset();
      return 'OK';
    });
    add('msix_save', 'msix_save BDF', (a) => `OK ${toHex(this.msix(a[0]!).save())}`);
    add('msix_load', 'msix_load BDF HEX', (a) => this.msixLoad(a));
  }

  /** Executes one line; returns the reply line, or null for comments and blank lines. */
  execute(line: string): string | null {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return null;
    const words = trimmed.split(/\s+/);
    const name = words[0]!;
    if (name === 'clock_step') return this.clockStep(words.slice(1));
    if (name === 'clock_set') return this.clockSet(words.slice(1));
    const command = this.commands.get(name);
    if (command === undefined) return `FAIL Unknown command '${name}'`;
    const args = words.slice(1);
    if (args.length !== command.arity) {
      return `FAIL ${name}: expected ${command.arity} argument${command.arity === 1 ? '' : 's'} (usage: ${command.usage}), got ${args.length}`;
    }
    try {
      return command.run(args);
    } catch (err) {
      if (err instanceof CommandError) return `FAIL ${name}: ${err.message}`;
      throw err;
    }
  }

  private address(text: string): number {
    const r = parseAddress(text);
    if (!r.ok) throw new CommandError(r.error);
    return r.value;
  }

  private value(text: string, size: number): bigint {
    const r = parseSized(text, size, 'value');
    if (!r.ok) throw new CommandError(r.error);
    return r.value;
  }

  private count(text: string): number {
    const r = parseU64(text, 'size');
    if (!r.ok) throw new CommandError(r.error);
    if (r.value > BigInt(MAX_BULK)) throw new CommandError(`size ${text} is larger than ${MAX_BULK} bytes`);
    return Number(r.value);
  }

  private port(text: string): number {
    const port = this.address(text);
    if (port > 0xffff) throw new CommandError(`port ${text} is beyond 0xffff`);
    return port;
  }

  private out(args: string[], size: number): string {
    const port = this.port(args[0]!);
    this.machine.io.write(port, size, Number(this.value(args[1]!, size)));
    return 'OK';
  }

  private in(args: string[], size: number): string {
    const v = this.machine.io.read(this.port(args[0]!), size);
    return `OK 0x${v.toString(16).padStart(4, '0')}`;
  }

  private writeN(args: string[], size: number): string {
    const addr = this.address(args[0]!);
    const value = this.value(args[1]!, size);
    this.machine.memory.write(addr, size, Number(value & 0xffffffffn), Number(value >> 32n));
    return 'OK';
  }

  private readN(args: string[], size: number): string {
    const memory = this.machine.memory;
    const lo = memory.read(this.address(args[0]!), size);
    return `OK ${hex16(lo, memory.readHigh)}`;
  }

  private readBytes(addr: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.machine.memory.read(addr + i, 1);
    return out;
  }

  private readBulk(args: string[]): string {
    return `OK 0x${toHex(this.readBytes(this.address(args[0]!), this.count(args[1]!)))}`;
  }

  private writeBulk(args: string[]): string {
    const addr = this.address(args[0]!);
    const n = this.count(args[1]!);
    const data = args[2]!;
    if (!/^0[xX][0-9a-fA-F]*$/.test(data)) throw new CommandError(`data '${data}' is not 0x followed by hex digits`);
    if (data.length - 2 > 2 * n) throw new CommandError(`data has ${Math.ceil((data.length - 2) / 2)} bytes, more than size ${n}`);
    // As QEMU: bytes past the data given are written as zero.
    for (let i = 0; i < n; i++) {
      const pair = data.slice(2 + 2 * i, 4 + 2 * i);
      this.machine.memory.write(addr + i, 1, pair.length === 2 ? Number.parseInt(pair, 16) : 0);
    }
    return 'OK';
  }

  private memset(args: string[]): string {
    const addr = this.address(args[0]!);
    const n = this.count(args[1]!);
    const value = Number(this.value(args[2]!, 1));
    for (let i = 0; i < n; i++) this.machine.memory.write(addr + i, 1, value);
    return 'OK';
  }

  private b64read(args: string[]): string {
    return `OK ${Buffer.from(this.readBytes(this.address(args[0]!), this.count(args[1]!))).toString('base64')}`;
  }

  private b64write(args: string[]): string {
    const addr = this.address(args[0]!);
    const n = this.count(args[1]!);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(args[2]!)) throw new CommandError('data is not base64');
    const data = Buffer.from(args[2]!, 'base64');
    if (data.length > n) throw new CommandError(`data has ${data.length} bytes, more than size ${n}`);
    for (let i = 0; i < n; i++) this.machine.memory.write(addr + i, 1, data[i] ?? 0);
    return 'OK';
  }

  /** Without an argument, QEMU steps to the next timer deadline. */
  private clockStep(args: string[]): string {
    if (args.length > 1) return 'FAIL clock_step: expected at most 1 argument (usage: clock_step [NS])';
    const clock = this.machine.clock;
    let ns: number;
    if (args.length === 0) {
      const due = clock.nextDue();
      ns = due === Infinity ? 0 : due - clock.now;
    } else {
      const r = parseU64(args[0]!, 'clock_step');
      if (!r.ok) return `FAIL ${r.error}`;
      ns = Number(r.value);
    }
    this.machine.step(ns);
    return `OK ${clock.now}`;
  }

  private clockSet(args: string[]): string {
    if (args.length !== 1) return 'FAIL clock_set: expected 1 argument (usage: clock_set NS)';
    const r = parseU64(args[0]!, 'clock_set');
    if (!r.ok) return `FAIL ${r.error}`;
    const target = Number(r.value);
    if (target > this.machine.clock.now) this.machine.step(target - this.machine.clock.now);
    return `OK ${this.machine.clock.now}`;
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
    return r.value > 0xffffn ? 0xffff : Number(r.value);
  }

  private rangeError(msix: MsixEngine, vector: number, consequence: string): CommandError {
    return new CommandError(`vector ${vector} out of range 0..${msix.vectors - 1} (${consequence})`);
  }

  private deviceIrq(args: string[]): string {
    const fn = this.fn(args[0]!);
    const vector = this.vector(args[1]!);
    this.machine.raise(fn, vector);
    if (fn.msix?.enabled && vector >= fn.msix.vectors) throw this.rangeError(fn.msix, vector, 'recorded as a drop');
    return 'OK';
  }

  /** N1: the engine records an out-of-range notify as a drop; the reply says so too. */
  private msixNotify(args: string[]): string {
    const msix = this.msix(args[0]!);
    const vector = this.vector(args[1]!);
    msix.notify(vector);
    if (vector >= msix.vectors) throw this.rangeError(msix, vector, 'recorded as a drop');
    return 'OK';
  }

  private msixUse(args: string[]): string {
    const r = this.msix(args[0]!).use(this.vector(args[1]!));
    if (!r.ok) throw new CommandError(r.error);
    return 'OK';
  }

  private msixUnuse(args: string[]): string {
    const msix = this.msix(args[0]!);
    const vector = this.vector(args[1]!);
    if (vector >= msix.vectors) throw this.rangeError(msix, vector, 'ignored');
    msix.unuse(vector);
    return 'OK';
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

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
