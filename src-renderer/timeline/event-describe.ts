// Plain-words description of one event, for the details pane: from this window's
// copy, or from the record the host sends for an event it does not hold.
import type { EventStore } from './event-store';
import { recordRow, type EventRecord } from '../../src-shared/timeline/event-record';
import { FUNCTION_LANE } from '../../src-shared/timeline/lanes';
import { ACCESS_WRITE, Origin } from '../../src-shared/timeline/event-kinds';
import { describeEvent as describeEventText, EVENT_KIND_NAMES, EventKind, eventField as F, type ColumnSet } from '../../src-shared/timeline/event-schema';
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

/** Values the one-line description does not already spell out, from event i's fields (kinds read together declare them alike). */
function extraFields(cols: ColumnSet, i: number): [string, string][] {
  switch (cols.kind[i]) {
    case EventKind.NotifyDelivered:
      return [
        ['address', hex0x(F.NotifyDelivered.addressLo(cols, i), 8)],
        ['data', hex0x(F.NotifyDelivered.data(cols, i), 8)],
      ];
    case EventKind.NotifyToMemory:
      return [['data', hex0x(F.NotifyToMemory.data(cols, i), 8)]];
    case EventKind.FunctionMaskChanged:
      return [['Message Control', hex0x(F.FunctionMaskChanged.control(cols, i), 4)]];
    case EventKind.ConfigWrite: {
      const [size, value, effective] = [F.ConfigWrite.size(cols, i), F.ConfigWrite.value(cols, i), F.ConfigWrite.effective(cols, i)];
      return [
        ['value written', hex0x(value, size * 2)],
        ['took effect', effective === value ? 'as written' : hex0x(effective, size * 2)],
      ];
    }
    case EventKind.TableRead:
    case EventKind.TableWrite:
      return [
        ['value', hex0x(F.TableRead.value(cols, i), 8)],
        ['size', String(F.TableRead.access(cols, i))],
      ];
    case EventKind.PbaRead:
    case EventKind.PbaWrite:
      return [
        ['value', hex0x(F.PbaRead.value(cols, i), 8)],
        ['size', String(F.PbaRead.access(cols, i))],
      ];
    case EventKind.AccessRefused:
    case EventKind.AccessUnclaimed:
      return F.AccessRefused.access(cols, i) & ACCESS_WRITE ? [['value', hex0x(F.AccessRefused.value(cols, i), 8)]] : [];
    case EventKind.Divergence:
      return [
        ['model', hex0x(F.Divergence.model(cols, i), 8)],
        ['QEMU', hex0x(F.Divergence.qemu(cols, i), 8)],
        ['address', hex0x(F.Divergence.addressLo(cols, i), 8)],
      ];
    default:
      return [];
  }
}

export function describeEvent(store: EventStore, abs: number): EventDescription | null {
  if (abs < store.dropped || abs >= store.end) return null;
  const i = abs - store.dropped;
  const kind = store.kind[i]!;
  const vector = store.vector[i]!;
  const bdf = store.bdf[i]!;
  return {
    seq: store.seq[i]!,
    time: formatNs(store.time[i]!, 3),
    kind: EVENT_KIND_NAMES[kind] ?? `kind ${kind}`,
    origin: ORIGIN_NAMES[store.origin[i]!] ?? String(store.origin[i]),
    device: bdf === 0xffff ? '—' : formatBdf(bdf),
    vector,
    summary: describeEventText(store, i),
    fields: extraFields(store, i),
  };
}

export function describeRecord(record: EventRecord): EventDescription {
  return {
    seq: record.seq,
    time: formatNs(record.timeNs, 3),
    kind: record.kind,
    origin: record.origin,
    device: record.bdf ?? '—',
    vector: record.bdf === null ? FUNCTION_LANE : record.vector,
    summary: record.text,
    fields: extraFields(recordRow(record, 0), 0),
  };
}
