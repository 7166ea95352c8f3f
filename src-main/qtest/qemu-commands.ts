// QEMU's own qtest commands, accepted and answered exactly as QEMU 7.2's system/qtest.c
// does: numbers through qemu_strtou64 (a sign allowed, a negative value wrapping), values
// truncated to the access width, extra trailing words ignored, bulk transfers handed to
// the address space whole (so they reach regions that take only 4-byte accesses), and
// `ERR invalid argument size` for write/b64write data shorter than 3 characters.
// Where QEMU aborts the process (g_assert) or writes bytes it never decoded, irqscope
// answers a FAIL naming the problem and changes nothing; README's "Differences from
// QEMU" lists every such place.
import type { Machine } from '../machine/machine';
import { hex16, parseQemuU64 } from './qtest-numbers';
import type { IrqIntercept } from './irq-intercept';
import { QtestInputError } from './qtest-input-error';
import { MAX_BULK } from '../operations/limits';

const IO_END = 0x10000;
const WIDTH: Record<string, number> = { b: 1, w: 2, l: 4, q: 8 };

type QemuHandler = (machine: Machine, words: string[]) => string;

interface QemuCommand {
  /** Words QEMU asserts are present; more are ignored, as QEMU ignores them. */
  required: number;
  usage: string;
  run: QemuHandler;
}

function u64(text: string, what: string): bigint {
  const r = parseQemuU64(text, what);
  if (!r.ok) throw new QtestInputError(r.error);
  return r.value;
}

/** A guest address; null beyond 2^53, where nothing is ever mapped (reads zeros, writes go nowhere). */
function address(text: string): number | null {
  const value = u64(text, 'address');
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(value);
}

function port(text: string, width: number): number {
  const value = u64(text, 'port');
  if (value > 0xffffn) throw new QtestInputError(`port ${text} is beyond 0xffff`);
  const p = Number(value);
  if (p + width > IO_END) throw new QtestInputError(`a ${width}-byte access at port ${text} crosses the end of I/O space (0xffff)`);
  return p;
}

function length(text: string, zeroAllowed: boolean): number {
  const value = u64(text, 'size');
  if (value === 0n && !zeroAllowed) throw new QtestInputError('size 0: QEMU refuses a zero-length read');
  if (value > BigInt(MAX_BULK)) throw new QtestInputError(`size ${text} is larger than ${MAX_BULK} bytes`);
  return Number(value);
}

function truncated(text: string, bytes: number): bigint {
  return BigInt.asUintN(8 * bytes, u64(text, 'value'));
}

function readBuffer(machine: Machine, addrText: string, sizeText: string, zeroAllowed: boolean): Uint8Array {
  const n = length(sizeText, zeroAllowed);
  const addr = address(addrText);
  const out = new Uint8Array(n);
  if (addr !== null) machine.memory.readBytes(addr, out);
  return out;
}

function writeBuffer(machine: Machine, addr: number | null, data: Uint8Array): void {
  if (addr !== null) machine.memory.writeBytes(addr, data);
}

const HEX_DIGITS = /^[0-9a-fA-F]*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const INVALID_SIZE = 'ERR invalid argument size';

/**
 * QEMU's `write` skips the first two characters of DATA (the 0x, whatever they are),
 * takes SIZE bytes from the hex digits after them, zero-fills past their end and
 * ignores digits beyond SIZE.
 */
function hexData(data: string, n: number): Uint8Array {
  const digits = data.slice(2);
  if (!HEX_DIGITS.test(digits)) throw new QtestInputError(`data '${data}' has characters that are not hex digits after its first two`);
  if (digits.length % 2 !== 0) throw new QtestInputError(`data '${data}' has an odd number of hex digits (QEMU drops the last one)`);
  const out = new Uint8Array(n);
  const bytes = Math.min(n, digits.length / 2);
  for (let i = 0; i < bytes; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function base64Data(data: string, n: number): Uint8Array {
  if (!BASE64.test(data)) throw new QtestInputError(`data '${data}' is not base64`);
  const decoded = Buffer.from(data, 'base64');
  const out = new Uint8Array(n);
  out.set(decoded.subarray(0, n));
  return out;
}

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

function buildTable(irq: IrqIntercept): Map<string, QemuCommand> {
  const table = new Map<string, QemuCommand>();
  const add = (name: string, usage: string, run: QemuHandler): void => {
    table.set(name, { required: usage.split(' ').length - 1, usage, run });
  };
  for (const [suffix, width] of Object.entries(WIDTH)) {
    if (width !== 8) {
      add(`out${suffix}`, `out${suffix} ADDR VALUE`, (m, w) => {
        m.io.write(port(w[0]!, width), width, Number(truncated(w[1]!, width)));
        return 'OK';
      });
      add(`in${suffix}`, `in${suffix} ADDR`, (m, w) => `OK 0x${m.io.read(port(w[0]!, width), width).toString(16).padStart(4, '0')}`);
    }
    add(`write${suffix}`, `write${suffix} ADDR VALUE`, (m, w) => {
      const value = truncated(w[1]!, width);
      const addr = address(w[0]!);
      if (addr !== null) m.memory.write(addr, width, Number(value & 0xffffffffn), Number(value >> 32n));
      return 'OK';
    });
    add(`read${suffix}`, `read${suffix} ADDR`, (m, w) => {
      const addr = address(w[0]!);
      if (addr === null) return `OK ${hex16(0, 0)}`;
      const lo = m.memory.read(addr, width);
      return `OK ${hex16(lo, m.memory.readHigh)}`;
    });
  }
  add('read', 'read ADDR SIZE', (m, w) => `OK 0x${hexOf(readBuffer(m, w[0]!, w[1]!, false))}`);
  add('b64read', 'b64read ADDR SIZE', (m, w) => `OK ${Buffer.from(readBuffer(m, w[0]!, w[1]!, true)).toString('base64')}`);
  add('write', 'write ADDR SIZE DATA', (m, w) => {
    const n = length(w[1]!, true);
    const addr = address(w[0]!);
    if (w[2]!.length < 3) return INVALID_SIZE;
    writeBuffer(m, addr, hexData(w[2]!, n));
    return 'OK';
  });
  add('b64write', 'b64write ADDR SIZE DATA', (m, w) => {
    const n = length(w[1]!, true);
    const addr = address(w[0]!);
    if (w[2]!.length < 3) return INVALID_SIZE;
    writeBuffer(m, addr, base64Data(w[2]!, n));
    return 'OK';
  });
  add('memset', 'memset ADDR SIZE VALUE', (m, w) => {
    const n = length(w[1]!, true);
    const addr = address(w[0]!);
    const pattern = Number(truncated(w[2]!, 1));
    writeBuffer(m, addr, new Uint8Array(n).fill(pattern));
    return 'OK';
  });
  add('endianness', 'endianness', () => 'OK little');
  add('irq_intercept_in', 'irq_intercept_in QOM-PATH', (_m, w) => irq.intercept(w[0]!, false));
  add('irq_intercept_out', 'irq_intercept_out QOM-PATH', (_m, w) => irq.intercept(w[0]!, true));
  add('set_irq_in', 'set_irq_in QOM-PATH NAME NUM LEVEL', (_m, w) => irq.setIn(w[0]!, w[1]!, w[2]!, w[3]!));
  // QEMU built without modules (as Debian's 7.2 answers for any name): nothing loads.
  add('module_load', 'module_load PREFIX NAME', () => 'FAIL');
  return table;
}

/** QEMU's commands for one session (the IRQ intercept is per session, as QEMU's is per process). */
export class QemuCommands {
  private readonly table: Map<string, QemuCommand>;

  constructor(
    private readonly machine: Machine,
    irq: IrqIntercept,
  ) {
    this.table = buildTable(irq);
  }

  has(name: string): boolean {
    return this.table.has(name);
  }

  /** Runs QEMU command `name` with the words after it (split on single spaces, as QEMU does). */
  run(name: string, words: string[]): string {
    const command = this.table.get(name)!;
    // An empty word (two spaces in a row) reaches the number parser, which names it.
    if (words.length < command.required) {
      throw new QtestInputError(`expected ${command.required} argument${command.required === 1 ? '' : 's'} (usage: ${command.usage}), got ${words.length}`);
    }
    return command.run(this.machine, words);
  }
}
