// The vector grid's "why" column: what a vector's state means now, in one line, and
// the event it is about (hovering names it). Computed once, in the host, from the
// doctor's device tracks and the vector's current registers; every view shows it.
import { DROP_REASON_NAMES } from '../timeline/event-kinds';
import { Outcome, VectorTrack } from './device-track';
import { functionMasked, vectorMasked } from '../registers/msix-mask-rule';

export interface VectorWhy {
  text: string;
  /** The event the line is about, or null (nothing happened to the vector yet). */
  seq: number | null;
}

/** The vector's registers as they are now. */
export interface VectorNow {
  enabled: boolean;
  functionMask: boolean;
  vectorBit: boolean;
  pending: boolean;
  useCount: number;
}

const hx = (n: number): string => `0x${n.toString(16)}`;
const times = (n: number): string => (n > 1 ? ` ×${n}` : '');

function maskedText(now: VectorNow, t: VectorTrack): string {
  const why = !now.enabled ? 'MSI-X disabled' : now.functionMask ? 'function masked' : 'masked (vector bit)';
  return `${why}${t.maskedSince >= 0 ? ` since #${t.maskedSince}` : ''}`;
}

/** `CPU1`, or `CPUs 0, 1` for a message that reached several. */
function cpusText(set: number): string {
  const cpus: number[] = [];
  for (let cpu = 0; cpu < 32; cpu++) if ((set >>> cpu) & 1) cpus.push(cpu);
  return cpus.length === 1 ? `CPU${cpus[0]}` : `CPUs ${cpus.join(', ')}`;
}

function outcomeText(t: VectorTrack): string {
  switch (t.outcome) {
    case Outcome.Delivered:
      return `delivered to ${cpusText(t.outcomeTarget)} vector ${hx(t.outcomeIdt)}${times(t.outcomeCount)}`;
    case Outcome.ToMemory:
      return `written to memory ${hx(t.outcomeIdt * 0x100000000 + t.outcomeTarget)}${times(t.outcomeCount)}`;
    default:
      return `dropped: ${DROP_REASON_NAMES[t.outcomeTarget] ?? 'unknown reason'}${times(t.outcomeCount)}`;
  }
}

/** A vector nothing has happened to since the device was created. */
const UNTOUCHED = new VectorTrack();

export function vectorWhy(now: VectorNow, track: VectorTrack | undefined): VectorWhy {
  const t = track ?? UNTOUCHED;
  const maskSeq = t.maskedSince >= 0 ? t.maskedSince : null;
  if (now.pending) {
    const n = t.pendedNotifies;
    return { text: `${maskedText(now, t)}, ${n} notif${n === 1 ? 'y' : 'ies'} pending`, seq: t.pendingSince >= 0 ? t.pendingSince : null };
  }
  if (t.outcome !== Outcome.None) return { text: outcomeText(t), seq: t.outcomeSeq };
  if (vectorMasked(now.vectorBit, functionMasked(now.enabled, now.functionMask))) return { text: maskedText(now, t), seq: maskSeq };
  return { text: now.useCount === 0 ? 'unmasked, not in use: a notify would be dropped' : 'unmasked, ready: no message yet', seq: maskSeq };
}
