// A breakpoint spec as one line of the qtest `break` grammar (`unmask 00:03.0 0`,
// `notify any 1,2 delivered value=0x31 trace`): what `break list` prints and what the
// app shows, so a line from either can be pasted back into qtest.
import { bdfText } from '../timeline/event-record';
import { MASK_CAUSES } from './breakpoint-words';
import type { BreakpointSpec } from './breakpoints';

const hex = (n: number): string => `0x${n.toString(16)}`;
const dev = (bdf: number | null): string => (bdf === null ? 'any' : (bdfText(bdf) ?? 'ff:1f.7'));
const vecs = (v: 'any' | number[]): string => (v === 'any' ? 'any' : v.join(','));

/** A spec in the grammar `break` takes. */
export function formatBreakpoint(spec: BreakpointSpec): string {
  let text: string;
  switch (spec.kind) {
    case 'unmask':
      text = `unmask ${dev(spec.bdf)} ${vecs(spec.vectors)}${spec.causes.length === MASK_CAUSES.length ? '' : ` ${spec.causes.join(',')}`}`;
      break;
    case 'notify':
      text = `notify ${dev(spec.bdf)} ${vecs(spec.vectors)} ${spec.outcomes.join(',')}`;
      break;
    case 'pending':
      text = `pending ${dev(spec.bdf)} ${vecs(spec.vectors)}`;
      break;
    case 'config-write':
      text = `config ${dev(spec.bdf)} ${hex(spec.offset)} ${spec.length}`;
      break;
    case 'access':
      text = `${spec.space === 'io' ? 'port' : 'mmio'} ${hex(spec.start)} ${hex(spec.length)} ${spec.direction === 'both' ? 'rw' : spec.direction}`;
      break;
    case 'delivery':
      text = `deliver ${spec.cpu ?? 'any'} ${spec.idtVector === null ? 'any' : hex(spec.idtVector)}`;
      break;
  }
  const c = spec.condition;
  if (c?.value !== undefined) text += ` value=${hex(c.value.equals)}${c.value.mask === 0xffffffff ? '' : `/${hex(c.value.mask)}`}`;
  if (c?.minHits !== undefined) text += ` minhits=${c.minHits}`;
  if (spec.tracepoint) text += ' trace';
  return text;
}
