// Plain-words description of one event, for the details pane: from this window's
// copy, or from the record the host sends for an event it does not hold.
import type { EventStore } from './event-store';
import type { EventRecord } from '../../src-shared/timeline/event-record';
import { FUNCTION_LANE } from '../../src-shared/timeline/lanes';
import { ACCESS_WRITE, Origin } from '../../src-shared/timeline/event-kinds';
import { describeEvent as describeEventText, EVENT_KIND_NAMES, EventKind } from '../../src-shared/timeline/event-schema';
import { formatBdf, formatNs, hex0x } from '../lib/format';

export interface EventDescription {
  seq: number;
  time: string;
  kind: string;
  origin: string;
  device: string;
  vector: number;
  summary: string;
  fields: [string, string][];
}

const ORIGIN_NAMES: Record<number, string> = { [Origin.Guest]: 'guest', [Origin.Device]: 'device', [Origin.User]: 'user', [Origin.Machine]: 'machine' };

/** Raw values the one-line description does not already spell out. */
function extraFields(kind: number, detail: number, a: number, b: number, c: number): [string, string][] {
  switch (kind) {
    case EventKind.NotifyDelivered:
      return [
        ['address', hex0x(c, 8)],
        ['data', hex0x(b, 8)],
      ];
    case EventKind.NotifyToMemory:
      return [['data', hex0x(b, 8)]];
    case EventKind.FunctionMaskChanged:
      return [['Message Control', hex0x(b, 4)]];
    case EventKind.ConfigWrite:
      return [
        ['value written', hex0x(b, detail * 2)],
        ['took effect', c === b ? 'as written' : hex0x(c, detail * 2)],
      ];
    case EventKind.TableRead:
    case EventKind.TableWrite:
    case EventKind.PbaRead:
    case EventKind.PbaWrite:
      return [
        ['value', hex0x(b, 8)],
        ['size', String(detail)],
      ];
    case EventKind.AccessRefused:
    case EventKind.AccessUnclaimed:
      return detail & ACCESS_WRITE ? [['value', hex0x(c, 8)]] : [];
    case EventKind.Divergence:
      return [
        ['model', hex0x(a, 8)],
        ['QEMU', hex0x(b, 8)],
        ['address', hex0x(c, 8)],
      ];
    default:
      return [];
  }
}

export function describeEvent(store: EventStore, abs: number): EventDescription | null {
  if (abs < store.dropped || abs >= store.end) return null;
  const i = abs - store.dropped;
  const kind = store.kind[i]!;
  const detail = store.detail[i]!;
  const vector = store.vector[i]!;
  const a = store.a[i]!;
  const b = store.b[i]!;
  const c = store.c[i]!;
  const bdf = store.bdf[i]!;
  return {
    seq: store.seq[i]!,
    time: formatNs(store.time[i]!, 3),
    kind: EVENT_KIND_NAMES[kind] ?? `kind ${kind}`,
    origin: ORIGIN_NAMES[store.origin[i]!] ?? String(store.origin[i]),
    device: bdf === 0xffff ? '—' : formatBdf(bdf),
    vector,
    summary: describeEventText(store, i),
    fields: extraFields(kind, detail, a, b, c),
  };
}

export function describeRecord(record: EventRecord): EventDescription {
  const kind = EVENT_KIND_NAMES.indexOf(record.kind);
  return {
    seq: record.seq,
    time: formatNs(record.timeNs, 3),
    kind: record.kind,
    origin: record.origin,
    device: record.bdf ?? '—',
    vector: record.bdf === null ? FUNCTION_LANE : record.vector,
    summary: record.text,
    fields: extraFields(kind, record.detail, record.a, record.b, record.c),
  };
}
