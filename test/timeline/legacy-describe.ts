// The event describer as it was before the event schema (commit a429baa,
// src-shared/timeline/event-record.ts), kept as the oracle that the schema's
// derived text says the same for every kind and every column value.
import {
  ACCESS_CONFIG,
  ACCESS_IO,
  ACCESS_WRITE,
  CPU_SET_FLAG,
  DELIVERY_MODE_NAMES,
  DIVERGENCE_NAMES,
  DROP_REASON_NAMES,
  INTX_HELD,
  MaskCause,
  NotifierKind,
  PENDED_BY_LOAD,
  PendingClearCause,
  UNCLAIMED_KIND_TEXT,
  FUNCTION_MSI,
} from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';

/** By BreakpointDetail. */
const BREAKPOINT_TEXT = ['breakpoint', 'tracepoint', 'step ended', 'run until vector ended', 'paused by the user'];
const MASK_CAUSE_NAMES = invert(MaskCause);
const CLEAR_CAUSE_NAMES = invert(PendingClearCause);
const NOTIFIER_NAMES = invert(NotifierKind);

function invert(o: Record<string, number>): string[] {
  const out: string[] = [];
  for (const [name, v] of Object.entries(o)) out[v] = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return out;
}

const hx = (n: number): string => `0x${(n >>> 0).toString(16)}`;

function accessText(detail: number): string {
  const space = detail & ACCESS_CONFIG ? 'config' : detail & ACCESS_IO ? 'port' : 'memory';
  return `${detail & 0xf}-byte ${space} ${detail & ACCESS_WRITE ? 'write' : 'read'}`;
}

/** Who a delivered message reached: one APIC ID, or the CPUs of a logical, broadcast or lowest-priority message and how. */
function deliveryTargets(detail: number, a: number, addrLo: number): string {
  if ((detail & CPU_SET_FLAG) === 0) return `APIC ${a}`;
  const cpus: number[] = [];
  for (let cpu = 0; cpu < 32; cpu++) if ((a >>> cpu) & 1) cpus.push(cpu);
  const dest = (addrLo >>> 12) & 0xff;
  const how = (addrLo & 4) !== 0 ? `logical destination ${hx(dest)}` : dest === 0xff ? 'broadcast' : `APIC ${dest}`;
  return `${cpus.length === 1 ? 'CPU' : 'CPUs'} ${cpus.join(', ')} (${(detail & 7) === 1 ? `lowest priority of ${how}` : how})`;
}

/** The text every kind had before the schema, positional columns and all. */
export function legacyDescribe(kind: number, detail: number, vector: number, a: number, b: number, c: number): string {
  switch (kind) {
    case EventKind.ConfigWrite:
      return `config write [${hx(a)}] = ${hx(b)} (${detail} bytes)${c === b ? '' : `, took effect as ${hx(c)}`}`;
    case EventKind.TableRead:
      return `table read +${hx(a)} (vector ${vector}) = ${hx(b)}`;
    case EventKind.TableWrite:
      return `table write +${hx(a)} (vector ${vector}) = ${hx(b)}${detail === 8 ? ' (half of an 8-byte write)' : ''}`;
    case EventKind.PbaRead:
      return `PBA read +${hx(a)} = ${hx(b)}`;
    case EventKind.PbaWrite:
      return `PBA write +${hx(a)} = ${hx(b)} (ignored)`;
    case EventKind.VectorMasked:
      return `vector ${vector} masked (${MASK_CAUSE_NAMES[detail] ?? detail})`;
    case EventKind.VectorUnmasked:
      return `vector ${vector} unmasked (${MASK_CAUSE_NAMES[detail] ?? detail})`;
    case EventKind.FunctionMaskChanged:
      if (c === FUNCTION_MSI) return `MSI ${detail ? 'enabled' : 'disabled'} (Message Control ${hx(b)})`;
      return `function ${a ? 'masked' : 'unmasked'} (Message Control ${hx(b)}, MSI-X ${detail ? 'enabled' : 'disabled'}, Function Mask ${b & 0x4000 ? 'set' : 'clear'})`;
    case EventKind.NotifyDelivered:
      return `vector ${vector} delivered to ${deliveryTargets(detail, a, c)}, IDT vector ${hx(b & 0xff)} (${DELIVERY_MODE_NAMES[detail & 7]})${detail & 0x80 ? ' — vector below 16!' : ''}`;
    case EventKind.NotifyToMemory:
      return `vector ${vector} message written to memory ${hx(c * 0x100000000 + a)} = ${hx(b)}`;
    case EventKind.NotifyPended:
      if (detail === PENDED_BY_LOAD) return `vector ${vector} pending bit set (msix_load)`;
      return `vector ${vector} masked: pending${detail ? ' bit set' : ' (already pending)'}`;
    case EventKind.NotifyDropped:
      return `vector ${vector} dropped: ${DROP_REASON_NAMES[detail] ?? detail}`;
    case EventKind.PendingCleared:
      return `vector ${vector} pending bit cleared (${CLEAR_CAUSE_NAMES[detail] ?? detail})`;
    case EventKind.IntxChanged:
      if (detail === INTX_HELD) return 'INTx raised, held while INTx is disabled (Status bit 3 set; asserts when INTx Disable clears)';
      return `INTx ${a ? 'asserted' : 'deasserted'}`;
    case EventKind.AccessRefused:
      return `${accessText(detail)} at ${hx(b * 0x100000000 + a)} refused`;
    case EventKind.AccessUnclaimed:
      return `${accessText(detail)} at ${hx(b * 0x100000000 + a)} unclaimed${vector ? ` (${UNCLAIMED_KIND_TEXT[vector] ?? vector})` : ''}`;
    case EventKind.Reset:
      return ['device reset', 'system reset', 'MSI-X reset'][detail] ?? 'reset';
    case EventKind.StateSaved:
      return `MSI-X state saved (${a} bytes)`;
    case EventKind.StateLoaded:
      return `MSI-X state loaded (${a} bytes)`;
    case EventKind.UseCountChanged:
      return `vector ${vector} use count ${a}`;
    case EventKind.NotifierFired:
      return detail === NotifierKind.Poll ? `poll notifier for vectors ${a}..${b}` : `vector ${vector} ${NOTIFIER_NAMES[detail]} notifier`;
    case EventKind.BarMapped:
      return `BAR ${c} ${detail ? 'mapped at' : 'unmapped from'} ${hx(b * 0x100000000 + a)}`;
    case EventKind.BarOverlap:
      return `BAR ${c} at ${hx(b * 0x100000000 + a)} overlaps another region`;
    case EventKind.Breakpoint:
      return `${BREAKPOINT_TEXT[detail] ?? 'breakpoint'}${a ? ` ${a}` : ''} at event #${c * 0x100000000 + b}`;
    case EventKind.Access:
      return `${accessText(detail)} at ${hx(b * 0x100000000 + a)}${detail & ACCESS_WRITE ? ' =' : ' ->'} ${hx(c)}`;
    case EventKind.Divergence:
      return `divergence at ${hx(c)}${vector === 0xffff ? '' : ` (vector ${vector})`}: ${DIVERGENCE_NAMES[detail] ?? detail} — model ${hx(a)}, QEMU ${hx(b)}`;
    default:
      return `event kind ${kind}`;
  }
}
