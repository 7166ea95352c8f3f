// A breakpoint spec compiled against one machine: the event kinds it can match, a
// test over the log's columns at a ring index, and the value a condition tests.
// Compiling checks the spec against the machine (devices, vector counts, CPUs), so a
// spec naming something that is not there is refused before it is installed.
import type { DebuggedMachine } from './debugged-machine';
import type { EventLog } from '../event-log';
import { formatBdf } from '../pci/pci-bus';
import { ACCESS_IO, ACCESS_WRITE, PENDED_BY_LOAD } from '../../../src-shared/timeline/event-kinds';
import { EventKind, eventField as F } from '../../../src-shared/timeline/event-schema';
import { deliveredCpuSet } from '../../../src-shared/timeline/delivered-cpus';
import { MASK_CAUSES, type BreakpointSpec, type NotifyOutcome } from '../../../src-shared/debugger/breakpoints';

export interface CompiledMatcher {
  /** Event kinds this breakpoint is checked against. */
  readonly kinds: readonly number[];
  /** Whether the event at ring index `i` matches (conditions aside). */
  matches(log: EventLog, i: number): boolean;
  /** The value a value condition tests, for the kinds that have one. */
  value: ((log: EventLog, i: number) => number) | null;
}

export type CompileResult = { ok: true; matcher: CompiledMatcher } | { ok: false; error: string };

const OUTCOME_KINDS: Record<NotifyOutcome, number[]> = {
  // A message written to memory (A2) was delivered too: the engine counts it.
  delivered: [EventKind.NotifyDelivered, EventKind.NotifyToMemory],
  pended: [EventKind.NotifyPended],
  dropped: [EventKind.NotifyDropped],
};

export function compileBreakpoint(spec: BreakpointSpec, machine: DebuggedMachine): CompileResult {
  switch (spec.kind) {
    case 'unmask':
    case 'notify':
    case 'pending': {
      const problem = checkVectors(spec.bdf, spec.vectors, machine);
      if (problem !== null) return { ok: false, error: problem };
      const onDevice = deviceTest(spec.bdf);
      const onVector = vectorTest(spec.vectors);
      if (spec.kind === 'unmask') {
        let causes = 0;
        for (const cause of spec.causes) causes |= 1 << MASK_CAUSES.indexOf(cause);
        return matcher([EventKind.VectorUnmasked], (log, i) => onDevice(log, i) && onVector(log, i) && ((causes >>> F.VectorUnmasked.cause(log, i)) & 1) === 1);
      }
      // A pending bit goes from 0 to 1 by a notify (detail 1) or by msix_load (PENDED_BY_LOAD).
      if (spec.kind === 'pending') return matcher([EventKind.NotifyPended], (log, i) => F.NotifyPended.pending(log, i) !== 0 && onDevice(log, i) && onVector(log, i));
      const kinds = [...new Set(spec.outcomes.flatMap((o) => OUTCOME_KINDS[o]))];
      // A pending bit restored by msix_load is no notify outcome.
      return matcher(kinds, (log, i) => !(log.kind[i] === EventKind.NotifyPended && F.NotifyPended.pending(log, i) === PENDED_BY_LOAD) && onDevice(log, i) && onVector(log, i));
    }
    case 'config-write': {
      const { offset, length } = spec;
      if (spec.bdf !== null) {
        const fn = machine.fn(spec.bdf);
        if (fn === null) return { ok: false, error: `bdf: no device at ${formatBdf(spec.bdf)}` };
        if (offset + length > fn.config.size) {
          return { ok: false, error: `length: 0x${offset.toString(16)}+${length} runs past the ${fn.config.size}-byte config space of ${formatBdf(spec.bdf)}` };
        }
      }
      const onDevice = deviceTest(spec.bdf);
      const end = offset + length;
      return matcher(
        [EventKind.ConfigWrite],
        (log, i) => onDevice(log, i) && F.ConfigWrite.offset(log, i) < end && F.ConfigWrite.offset(log, i) + F.ConfigWrite.size(log, i) > offset,
        (log, i) => bytesInRange(F.ConfigWrite.offset(log, i), F.ConfigWrite.size(log, i), F.ConfigWrite.value(log, i), offset, end),
      );
    }
    case 'access': {
      const io = spec.space === 'io' ? ACCESS_IO : 0;
      const start = spec.start;
      const end = spec.start + spec.length;
      const wantRead = spec.direction !== 'write';
      const wantWrite = spec.direction !== 'read';
      return matcher(
        [EventKind.Access],
        (log, i) => {
          const flags = F.Access.access(log, i);
          if ((flags & ACCESS_IO) !== io) return false;
          if (!((flags & ACCESS_WRITE) !== 0 ? wantWrite : wantRead)) return false;
          const addr = F.Access.address(log, i);
          return addr < end && addr + (flags & 0xf) > start;
        },
        (log, i) => F.Access.value(log, i),
      );
    }
    case 'delivery': {
      const { cpu, idtVector } = spec;
      const cpus = machine.apic.cpus;
      if (cpu !== null && cpu >= cpus) return { ok: false, error: `cpu: the machine has CPUs 0..${cpus - 1}, not ${cpu}` };
      return matcher(
        [EventKind.NotifyDelivered],
        (log, i) =>
          (idtVector === null || (F.NotifyDelivered.data(log, i) & 0xff) === idtVector) &&
          // A1: the CPUs the APIC recorded reaching, not resolved again here.
          (cpu === null || ((deliveredCpuSet(F.NotifyDelivered.cpuSet(log, i), F.NotifyDelivered.target(log, i)) >>> cpu) & 1) === 1),
        (log, i) => F.NotifyDelivered.data(log, i),
      );
    }
  }
}

function matcher(kinds: number[], matches: CompiledMatcher['matches'], value: CompiledMatcher['value'] = null): CompileResult {
  return { ok: true, matcher: { kinds, matches, value } };
}

function checkVectors(bdf: number | null, vectors: 'any' | number[], machine: DebuggedMachine): string | null {
  if (bdf === null) return null;
  const fn = machine.fn(bdf);
  if (fn === null) return `bdf: no device at ${formatBdf(bdf)}`;
  // Plain MSI's vectors are breakable too: its notifies, pends and mask changes log the same events.
  const n = fn.msix?.vectors ?? fn.msi?.vectorsCapable;
  if (n === undefined) return `bdf: ${formatBdf(bdf)} (${fn.name}) has no MSI-X or MSI capability`;
  if (vectors === 'any') return null;
  const bad = vectors.filter((v) => v >= n);
  return bad.length === 0 ? null : `vectors: ${bad.join(', ')} out of range 0..${n - 1} on ${formatBdf(bdf)}`;
}

function deviceTest(bdf: number | null): (log: EventLog, i: number) => boolean {
  return bdf === null ? () => true : (log, i) => log.bdf[i] === bdf;
}

function vectorTest(vectors: 'any' | number[]): (log: EventLog, i: number) => boolean {
  if (vectors === 'any') return () => true;
  const wanted = new Uint8Array(2048);
  for (const v of vectors) wanted[v] = 1;
  return (log, i) => wanted[log.vector[i]!] === 1;
}

/** The bytes of a `size`-byte write of `value` at `at` that fall in [start, end), little-endian from `start`. */
function bytesInRange(at: number, size: number, value: number, start: number, end: number): number {
  let out = 0;
  for (let k = 0; k < size; k++) {
    const pos = at + k;
    if (pos >= start && pos < end) out |= ((value >>> (8 * k)) & 0xff) << (8 * (pos - start));
  }
  return out >>> 0;
}
