// The qtest text form of breakpoints, and the asynchronous BREAK line a pause
// announces. The grammar (documented in docs of QtestSession) turns into a plain
// spec that the debugger validates; `formatBreakpoint` (src-shared, the app shows it
// too) writes a spec back in the same grammar, so `break list` shows lines that can be
// pasted back.
import type { Machine } from '../machine/machine';
import { formatBdf } from '../machine/pci/pci-bus';
import { parseEventBdf } from '../../src-shared/pci-text/bdf';
import { parseAddress, parseU64 } from './qtest-numbers';
import { registerPlace } from '../../src-shared/registers/register-names';
import { formatBreakpoint } from '../../src-shared/debugger/breakpoint-text';
import {
  ACCESS_DIRECTIONS,
  MASK_CAUSES,
  NOTIFY_OUTCOMES,
  type BreakpointInfo,
  type BreakpointSpec,
  type PauseReport,
} from '../../src-shared/debugger/breakpoints';

export class BreakSyntaxError extends Error {}

export const BREAK_USAGE =
  'break unmask|notify|pending BDF|any VECTORS|any …, break config BDF|any OFFSET|REGISTER [LENGTH], break mmio|port ADDR LENGTH [read|write|rw], break deliver CPU|any IDT|any, break list|delete|enable|disable';

/** A new breakpoint as typed: an unvalidated spec and whether it starts enabled. */
export interface BreakRequest {
  spec: Record<string, unknown>;
  enabled: boolean;
}

const DIRECTION_WORDS: Record<string, (typeof ACCESS_DIRECTIONS)[number]> = { read: 'read', write: 'write', rw: 'both' };

/** Parses the words after `break <kind>`. */
export function parseBreakRequest(kind: string, words: string[], machine: Machine): BreakRequest {
  const options = takeOptions(words);
  const at = (i: number, what: string): string => {
    const w = words[i];
    if (w === undefined) throw new BreakSyntaxError(`missing ${what}`);
    return w;
  };
  const expectWords = (n: number, usage: string): void => {
    if (words.length > n) throw new BreakSyntaxError(`unexpected '${words[n]}' (usage: break ${kind} ${usage})`);
  };
  let spec: Record<string, unknown>;
  switch (kind) {
    case 'unmask': {
      expectWords(3, 'BDF|any VECTORS|any [CAUSES]');
      spec = { kind, bdf: device(at(0, 'BDF')), vectors: vectorList(at(1, 'VECTORS')) };
      if (words[2] !== undefined) spec.causes = wordList(words[2], MASK_CAUSES, 'cause');
      break;
    }
    case 'notify': {
      expectWords(3, 'BDF|any VECTORS|any delivered|pended|dropped[,…]');
      spec = { kind, bdf: device(at(0, 'BDF')), vectors: vectorList(at(1, 'VECTORS')), outcomes: wordList(at(2, 'outcome (delivered, pended, dropped)'), NOTIFY_OUTCOMES, 'outcome') };
      break;
    }
    case 'pending': {
      expectWords(2, 'BDF|any VECTORS|any');
      spec = { kind, bdf: device(at(0, 'BDF')), vectors: vectorList(at(1, 'VECTORS')) };
      break;
    }
    case 'config': {
      expectWords(3, 'BDF|any OFFSET|REGISTER [LENGTH]');
      const bdf = device(at(0, 'BDF'));
      const place = configPlace(at(1, 'OFFSET or register name'), bdf, machine);
      const length = words[2] === undefined ? place.length : number(words[2], 'length');
      spec = { kind: 'config-write', bdf, offset: place.offset, length };
      break;
    }
    case 'mmio':
    case 'port': {
      expectWords(3, `ADDR LENGTH [read|write|rw]`);
      const direction = words[2] === undefined ? 'both' : DIRECTION_WORDS[words[2]];
      if (direction === undefined) throw new BreakSyntaxError(`'${words[2]}' is not read, write or rw`);
      spec = { kind: 'access', space: kind === 'mmio' ? 'memory' : 'io', start: address(at(0, 'ADDR')), length: number(at(1, 'LENGTH'), 'length'), direction };
      break;
    }
    case 'deliver': {
      expectWords(2, 'CPU|any IDT|any');
      spec = { kind: 'delivery', cpu: anyOr(at(0, 'CPU'), 'CPU'), idtVector: anyOr(at(1, 'IDT vector'), 'IDT vector') };
      break;
    }
    default:
      throw new BreakSyntaxError(`unknown breakpoint kind '${kind}' (usage: ${BREAK_USAGE})`);
  }
  if (options.trace) spec.tracepoint = true;
  if (options.condition !== undefined) spec.condition = options.condition;
  return { spec, enabled: !options.disabled };
}

/** Strips the trailing options (value=X[/MASK], minhits=N, trace, disabled) from `words`. */
function takeOptions(words: string[]): { trace: boolean; disabled: boolean; condition?: Record<string, unknown> } {
  const out: { trace: boolean; disabled: boolean; condition?: Record<string, unknown> } = { trace: false, disabled: false };
  const condition: Record<string, unknown> = {};
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i]!;
    if (w === 'trace') out.trace = true;
    else if (w === 'disabled') out.disabled = true;
    else if (w.startsWith('minhits=')) condition.minHits = number(w.slice(8), 'minhits');
    else if (w.startsWith('value=')) {
      const [equals, mask] = w.slice(6).split('/');
      condition.value = { equals: number(equals!, 'value'), ...(mask === undefined ? {} : { mask: number(mask, 'mask') }) };
    } else continue;
    words.splice(i, 1);
  }
  if (Object.keys(condition).length > 0) out.condition = condition;
  return out;
}

function number(text: string, what: string): number {
  const r = parseU64(text, what);
  if (!r.ok) throw new BreakSyntaxError(r.error);
  if (r.value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BreakSyntaxError(`${what}: ${text} is too large`);
  return Number(r.value);
}

function address(text: string): number {
  const r = parseAddress(text);
  if (!r.ok) throw new BreakSyntaxError(r.error);
  return r.value;
}

function device(text: string): number | null {
  if (text === 'any') return null;
  const bdf = parseEventBdf(text);
  if (bdf === undefined) throw new BreakSyntaxError(`'${text}' is not a PCI address like 00:03.0 (or any); events name a function by bus/dev.fn, without a domain past 0000`);
  return bdf;
}

function anyOr(text: string, what: string): number | null {
  return text === 'any' ? null : number(text, what);
}

/** `any`, `3`, `1,3,5`, `0-3` or a mix: `0-3,7`. */
function vectorList(text: string): 'any' | number[] {
  if (text === 'any') return 'any';
  const out: number[] = [];
  for (const part of text.split(',')) {
    const range = /^(\w+)-(\w+)$/.exec(part);
    if (range === null) {
      out.push(number(part, 'vector'));
      continue;
    }
    const lo = number(range[1]!, 'vector');
    const hi = number(range[2]!, 'vector');
    if (hi < lo || hi - lo >= 2048) throw new BreakSyntaxError(`vector range '${part}' is empty or wider than 2048`);
    for (let v = lo; v <= hi; v++) out.push(v);
  }
  return out;
}

function wordList<T extends string>(text: string, allowed: readonly T[], what: string): T[] {
  return text.split(',').map((w) => {
    if (!(allowed as readonly string[]).includes(w)) throw new BreakSyntaxError(`'${w}' is not a ${what} (${allowed.join(', ')})`);
    return w as T;
  });
}

/** A number, a type 0 header register (COMMAND, BASE_ADDRESS_1, …) or an MSI-X capability register (MSIX_FLAGS, …). */
function configPlace(text: string, bdf: number | null, machine: Machine): { offset: number; length: number } {
  if (/^[0-9]/.test(text)) return { offset: number(text, 'offset'), length: 1 };
  const device = bdf === null ? null : { address: formatBdf(bdf), msixCapOffset: machine.fn(bdf)?.msix?.capabilityOffset ?? null };
  const place = registerPlace(text, device);
  if (!place.ok) throw new BreakSyntaxError(place.error);
  return place;
}

/** One entry of `break list`: `#1 unmask 00:03.0 1 count=0` (plus `disabled`). */
export function formatListEntry(bp: BreakpointInfo): string {
  return `#${bp.id} ${formatBreakpoint(bp.spec)}${bp.enabled ? '' : ' disabled'} count=${bp.hits}`;
}

const bit = (b: boolean): string => (b ? '1' : '0');

/**
 * `BREAK bp=1 seq=42 t=0 kind=VectorUnmasked dev=00:03.0 vector=1 masked=0 pending=0 use=1 fmask=0 enable=1 : vector 1 unmasked (vector bit)`.
 * The reason is `bp=N`, `step` or `until`; the vector fields appear when the event names an MSI-X vector, and
 * with `cap=msi` after the vector for a plain MSI one (fmask is then always 0: MSI has no Function Mask).
 */
export function formatBreakLine(report: PauseReport): string {
  const reason = report.breakpoint !== null ? `bp=${report.breakpoint.id}` : report.reason === 'step' ? 'step' : 'until';
  const r = report.event.record;
  let line = `BREAK ${reason} seq=${report.event.seq} t=${r.timeNs} kind=${r.kind} dev=${r.bdf ?? '-'}`;
  const v = report.vector;
  if (v !== null) {
    line += ` vector=${v.vector}${v.kind === 'msi' ? ' cap=msi' : ''} masked=${bit(v.masked)} pending=${bit(v.pending)} use=${v.useCount} fmask=${bit(v.functionMask)} enable=${bit(v.enabled)}`;
  }
  return `${line} : ${r.text}`;
}
