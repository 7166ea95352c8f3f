// Plain-words description of one stored event, for the details pane.
import type { EventStore } from './event-store';
import {
  ACCESS_CONFIG,
  ACCESS_IO,
  ACCESS_WRITE,
  DROP_REASON_NAMES,
  EVENT_KIND_NAMES,
  EventKind,
  MaskCause,
  NotifierKind,
  Origin,
  PendingClearCause,
} from '../../src-shared/timeline/event-kinds';
import { decodeMsiMessage } from '../../src-shared/timeline/msi-message';
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
const nameOf = (table: Record<string, number>, value: number): string => Object.entries(table).find(([, v]) => v === value)?.[0] ?? String(value);

export function describeEvent(store: EventStore, abs: number): EventDescription | null {
  if (abs < store.dropped || abs >= store.end) return null;
  const i = abs - store.dropped;
  const kind = store.kind[i]!;
  const detail = store.detail[i]!;
  const a = store.a[i]!;
  const b = store.b[i]!;
  const c = store.c[i]!;
  const bdf = store.bdf[i]!;
  const fields: [string, string][] = [];
  let summary = '';
  switch (kind) {
    case EventKind.NotifyDelivered: {
      const m = decodeMsiMessage(c, 0, b);
      summary = `delivered to CPU ${a}, vector ${hex0x(m.vector, 2)} (${m.deliveryModeName})${m.badVector ? ' — vector below 16!' : ''}`;
      fields.push(['address', hex0x(c, 8)], ['data', hex0x(b, 8)]);
      break;
    }
    case EventKind.NotifyToMemory:
      summary = `message written to memory at ${hex0x(c * 0x100000000 + a)}`;
      fields.push(['data', hex0x(b, 8)]);
      break;
    case EventKind.NotifyPended:
      summary = detail === 1 ? 'masked: pending bit set' : 'masked: already pending';
      break;
    case EventKind.NotifyDropped:
      summary = `dropped: ${DROP_REASON_NAMES[detail] ?? `reason ${detail}`}`;
      break;
    case EventKind.VectorMasked:
    case EventKind.VectorUnmasked:
      summary = `${kind === EventKind.VectorMasked ? 'masked' : 'unmasked'} by ${nameOf(MaskCause, detail)}`;
      break;
    case EventKind.FunctionMaskChanged:
      summary = `function ${a === 1 ? 'masked' : 'unmasked'} (MSI-X ${detail === 1 ? 'enabled' : 'disabled'})`;
      fields.push(['Message Control', hex0x(b, 4)]);
      break;
    case EventKind.PendingCleared:
      summary = `pending bit cleared by ${nameOf(PendingClearCause, detail)}`;
      break;
    case EventKind.ConfigWrite:
      summary = `config write of ${detail} byte${detail === 1 ? '' : 's'} at ${hex0x(a, 2)}`;
      fields.push(['value', hex0x(b, detail * 2)]);
      break;
    case EventKind.TableRead:
    case EventKind.TableWrite:
    case EventKind.PbaRead:
    case EventKind.PbaWrite:
      summary = `${EVENT_KIND_NAMES[kind]} at offset ${hex0x(a, 3)}`;
      fields.push(['value', hex0x(b, 8)], ['size', String(detail)]);
      break;
    case EventKind.AccessRefused:
    case EventKind.AccessUnclaimed: {
      const space = detail & ACCESS_CONFIG ? 'config' : detail & ACCESS_IO ? 'I/O' : 'memory';
      summary = `${kind === EventKind.AccessRefused ? 'refused' : 'unclaimed'} ${space} ${detail & ACCESS_WRITE ? 'write' : 'read'} of ${detail & 0xf} bytes at ${hex0x(b * 0x100000000 + a)}`;
      if (detail & ACCESS_WRITE) fields.push(['value', hex0x(c, 8)]);
      break;
    }
    case EventKind.UseCountChanged:
      summary = `use count now ${a}`;
      break;
    case EventKind.NotifierFired:
      summary = `${nameOf(NotifierKind, detail)} notifier fired`;
      break;
    case EventKind.BarMapped:
      summary = `BAR ${c} ${detail === 1 ? 'mapped at' : 'unmapped from'} ${hex0x(b * 0x100000000 + a)}`;
      break;
    case EventKind.BarOverlap:
      summary = `BAR ${c} at ${hex0x(b * 0x100000000 + a)} overlaps another region`;
      break;
    case EventKind.IntxChanged:
      summary = `INTx output ${a === 1 ? 'asserted' : 'deasserted'}`;
      break;
    default:
      summary = EVENT_KIND_NAMES[kind] ?? `kind ${kind}`;
      fields.push(['a', hex0x(a)], ['b', hex0x(b)], ['c', hex0x(c)], ['detail', String(detail)]);
  }
  return {
    seq: store.seq[i]!,
    time: formatNs(store.time[i]!, 3),
    kind: EVENT_KIND_NAMES[kind] ?? `kind ${kind}`,
    origin: ORIGIN_NAMES[store.origin[i]!] ?? String(store.origin[i]),
    device: bdf === 0xffff ? '—' : formatBdf(bdf),
    vector: store.vector[i]!,
    summary,
    fields,
  };
}
