// A machine's whole state as a session file and back: config spaces with their
// write masks, BAR mappings (derived from config), MSI-X tables, PBAs, use and
// delivered counts, plain MSI's delivered counts, APIC counts, the clock and its interval sources, the 0xCF8
// latch, RAM (non-zero 4 KiB pages), the retained event log and the debugger.
// Capturing changes nothing in the machine. Restoring builds a new machine from the
// saved description and fills it in; the caller's running machine is never touched.
// Not saved: vector notifiers (callbacks a host installs, not machine state).
import { sourceVectorError, type Machine } from '../machine/machine';
import { MAX_LOG_TOTAL } from '../machine/event-log';
import { RAM_PAGE } from '../machine/ram';
import { loadMachineObject } from '../machine/machine-builder';
import { formatBdf } from '../machine/pci/pci-bus';
import { emptyColumns } from '../../src-shared/timeline/columns';
import { COLUMN_NAMES, upgradeLegacyRow } from '../../src-shared/timeline/event-schema';
import { SESSION_FORMAT, SESSION_VERSION, type SessionHeader } from '../../src-shared/session/session-header';
import { SessionFormatError, decodeContainer, encodeContainer, type DecodedContainer } from './session-container';

/** RAM is saved as its 4 KiB pages that hold a non-zero byte; the last page of a region may be short. */
const PAGE = RAM_PAGE;
const ZERO_PAGE = Buffer.alloc(PAGE);
const GENERATOR = 'irqscope 0.1.0';

/** The log's sections, one per column of the event schema (`log.time`, `log.kind`, …). */
const LOG_COLUMNS = COLUMN_NAMES;

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const fnKey = (bdf: number): string => `fn.${formatBdf(bdf)}`;

export function encodeSession(machine: Machine, savedAt = new Date()): Buffer {
  const sections = new Map<string, Uint8Array>();
  const functions: SessionHeader['functions'] = [];
  for (const fn of machine.functions()) {
    const key = fnKey(fn.address);
    sections.set(`${key}.config`, fn.config.bytes);
    sections.set(`${key}.writable`, fn.config.writable);
    sections.set(`${key}.w1c`, fn.config.w1c);
    const msix = fn.msix;
    if (msix !== null) {
      const state = msix.saveState();
      sections.set(`${key}.msix.table`, bytesOf(state.table));
      sections.set(`${key}.msix.pba`, bytesOf(state.pba));
      sections.set(`${key}.msix.useCount`, bytesOf(state.useCount));
      sections.set(`${key}.msix.delivered`, bytesOf(state.delivered));
    }
    if (fn.msi !== null) sections.set(`${key}.msi.delivered`, bytesOf(fn.msi.delivered));
    functions.push({ bdf: fn.address, name: fn.name, configSize: fn.config.size, msixVectors: msix?.vectors ?? null });
  }
  sections.set('apic.counts', bytesOf(machine.apic.counts));
  sections.set('apic.special', bytesOf(machine.apic.special));
  // Only pages ever written exist, so this costs what the guest wrote, not the RAM's size.
  const ram = machine.ram.map((r, i) => {
    const written = r.writtenPages().filter(([, bytes]) => !Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).equals(ZERO_PAGE.subarray(0, bytes.length)));
    sections.set(`ram.${i}`, Buffer.concat(written.map(([, bytes]) => bytes)));
    return { base: r.region.base, size: r.size, pageSize: PAGE, pages: written.map(([p]) => p) };
  });
  const log = machine.log;
  const columns = log.slice(log.firstSeq, log.total);
  for (const name of LOG_COLUMNS) sections.set(`log.${name}`, bytesOf(columns[name]));
  const header: Omit<SessionHeader, 'sections'> = {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    savedAt: savedAt.toISOString(),
    generator: GENERATOR,
    description: machine.description,
    clock: {
      nowNs: machine.clock.now,
      sources: machine.listSources().map((s) => ({ bdf: s.bdf, vector: s.vector, ratePerSecond: s.ratePerSecond, dueNs: s.timer.due, carry: s.timer.carry })),
    },
    pciConfigAddress: machine.bus.saveState().configAddress,
    functions,
    ram,
    log: { capacity: log.capacity, total: log.total, retained: log.retained },
    debugger: machine.debugger.state(),
  };
  return encodeContainer(header, sections);
}

export type DecodeResult = { ok: true; machine: Machine; header: SessionHeader } | { ok: false; error: string };

/** Builds a new machine holding the saved state; a file that does not fit is refused with the reason. */
export function decodeSession(bytes: Uint8Array): DecodeResult {
  try {
    const container = decodeContainer(bytes);
    return { ok: true, machine: restore(container), header: container.header };
  } catch (err) {
    if (err instanceof SessionFormatError) return { ok: false, error: err.message };
    throw err;
  }
}

function restore(container: DecodedContainer): Machine {
  const { header, section } = container;
  const built = loadMachineObject(header.description);
  if (!built.ok) throw new SessionFormatError(`the saved machine description is invalid: ${built.errors.join('; ')}`);
  const machine = built.machine;
  checkShape(header, machine);
  const fill = (target: ArrayBufferView, name: string): void => bytesOf(target).set(section(name, target.byteLength));

  for (const saved of header.functions) {
    const fn = machine.fn(saved.bdf)!;
    const key = fnKey(fn.address);
    fill(fn.config.bytes, `${key}.config`);
    fill(fn.config.writable, `${key}.writable`);
    fill(fn.config.w1c, `${key}.w1c`);
    const msix = fn.msix;
    if (msix !== null) {
      const state = msix.blankState();
      fill(state.table, `${key}.msix.table`);
      fill(state.pba, `${key}.msix.pba`);
      fill(state.useCount, `${key}.msix.useCount`);
      fill(state.delivered, `${key}.msix.delivered`);
      msix.restoreState(state);
    }
    // Files saved before plain MSI's counts were kept have none: those stay 0.
    if (fn.msi !== null && container.has(`${key}.msi.delivered`)) fill(fn.msi.delivered, `${key}.msi.delivered`);
  }
  // The latch, and what every function derives from its config: INTx, MSI caches, BAR mappings, ECAM.
  machine.bus.restoreState({ configAddress: header.pciConfigAddress });
  fill(machine.apic.counts, 'apic.counts');
  fill(machine.apic.special, 'apic.special');
  header.ram.forEach((saved, i) => {
    const ram = machine.ram[i]!;
    const packed = section(`ram.${i}`, saved.pages.reduce((n, p) => n + ram.pageLength(p), 0));
    let at = 0;
    for (const p of saved.pages) {
      ram.setPage(p, packed.subarray(at, at + ram.pageLength(p)));
      at += ram.pageLength(p);
    }
  });

  for (const source of machine.listSources()) machine.stopSource(source.bdf, source.vector);
  machine.clock.setNow(header.clock.nowNs);
  for (const s of header.clock.sources) {
    const timer = machine.startSource(machine.fn(s.bdf)!, s.vector, s.ratePerSecond).timer;
    if (s.carry >= timer.den) throw new SessionFormatError(`the interval source on ${formatBdf(s.bdf)} vector ${s.vector} carries ${s.carry}, more than its period allows (below ${timer.den})`);
    timer.due = s.dueNs;
    timer.carry = s.carry;
  }

  const n = header.log.retained;
  const columns = emptyColumns(n);
  for (const name of LOG_COLUMNS) fill(columns[name], `log.${name}`);
  checkEventTimes(columns.time, header.log.total - n, header.clock.nowNs);
  if (header.version === 1) for (let i = 0; i < n; i++) upgradeLegacyRow(columns, i);
  machine.log.restore(header.log.total, columns);

  const debug = machine.debugger.restore(header.debugger);
  if (!debug.ok) throw new SessionFormatError(debug.error);
  return machine;
}

/** Everything the sections will be checked against, before any is read. */
function checkShape(header: SessionHeader, machine: Machine): void {
  const fns = machine.functions();
  const saved = new Set(header.functions.map((f) => f.bdf));
  if (saved.size !== header.functions.length || fns.length !== saved.size || fns.some((fn) => !saved.has(fn.address))) {
    throw new SessionFormatError(`the saved devices (${[...saved].map((a) => formatBdf(a)).join(', ')}) are not the ones the description builds (${fns.map((f) => formatBdf(f.address)).join(', ')})`);
  }
  for (const f of header.functions) {
    const fn = machine.fn(f.bdf)!;
    if (fn.config.size !== f.configSize) throw new SessionFormatError(`${formatBdf(f.bdf)}: saved config space is ${f.configSize} bytes, the device has ${fn.config.size}`);
    if ((fn.msix?.vectors ?? null) !== f.msixVectors) throw new SessionFormatError(`${formatBdf(f.bdf)}: saved with ${f.msixVectors ?? 'no'} MSI-X vectors, the device has ${fn.msix?.vectors ?? 'none'}`);
  }
  if (header.ram.length !== machine.ram.length) throw new SessionFormatError(`${header.ram.length} RAM regions saved, the description has ${machine.ram.length}`);
  header.ram.forEach((r, i) => {
    const ram = machine.ram[i]!;
    if (r.base !== ram.region.base || r.size !== ram.size || r.pageSize !== PAGE) {
      throw new SessionFormatError(`ram[${i}]: saved as ${r.size} bytes at 0x${r.base.toString(16)} in ${r.pageSize}-byte pages, the description has ${ram.size} at 0x${ram.region.base.toString(16)}`);
    }
    if (r.pages.some((p, k) => p * PAGE >= ram.size || (k > 0 && p <= r.pages[k - 1]!))) throw new SessionFormatError(`ram[${i}]: page list out of order or out of range`);
  });
  for (const s of header.clock.sources) {
    const fn = machine.fn(s.bdf);
    if (fn === null) throw new SessionFormatError(`an interval source names ${formatBdf(s.bdf)}, which does not exist`);
    const problem = sourceVectorError(fn, s.vector);
    if (problem !== null) throw new SessionFormatError(`an interval source: ${problem}`);
    if (s.dueNs < header.clock.nowNs) throw new SessionFormatError(`the interval source on ${formatBdf(s.bdf)} vector ${s.vector} is due before the saved time`);
  }
  const log = header.log;
  if (log.capacity !== machine.log.capacity) throw new SessionFormatError(`event log saved with capacity ${log.capacity}, the description gives ${machine.log.capacity}`);
  if (log.retained > Math.min(log.total, log.capacity)) throw new SessionFormatError(`event log: ${log.retained} retained events cannot come from ${log.total} in a ring of ${log.capacity}`);
  const paused = header.debugger.paused;
  if (paused !== null && !(paused.event.seq < paused.markerSeq && paused.markerSeq < log.total)) {
    throw new SessionFormatError(`the pause report names event ${paused.event.seq} and marker ${paused.markerSeq}, which the log of ${log.total} events cannot hold in that order`);
  }
  if (log.total > MAX_LOG_TOTAL) throw new SessionFormatError(`event log: a total of ${log.total} events is more than any run logs (at most 2^50, about a year of events at full speed)`);
}

/**
 * Event times are whole nanoseconds, in order, none after the saved clock: what the
 * machine logs. A file with any other time (damaged, or forged) is refused, so no
 * export or view of it ever shows a time like 380088400953.0004.
 */
function checkEventTimes(times: Float64Array, firstSeq: number, nowNs: number): void {
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    if (Number.isSafeInteger(t) && t >= 0 && t <= nowNs && (k === 0 || t >= times[k - 1]!)) continue;
    throw new SessionFormatError(`event log: event #${firstSeq + k} is at ${t} ns; event times are whole nanoseconds, in order, up to the saved time (${nowNs} ns)`);
  }
}
