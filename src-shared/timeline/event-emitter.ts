// The typed append helpers: one per event kind, its parameters the kind's fields
// in the order event-schema.ts declares them, so a call site names what it logs and
// TypeScript checks its arity. Each is a handful of stores into the sink's columns:
// nothing is allocated per event (the notify path logs through these). The schema
// test calls every helper and reads each field back through the schema, so a
// helper that puts a field in another column than its declaration fails there.
import { EventKind, type FieldArgs, type KindName } from './event-schema';

/** Where events go: one row of the field columns (the machine's event log). */
export interface EventSink {
  put(kind: number, detail: number, bdf: number, vector: number, a: number, b: number, c: number): void;
}

type EmitterShape = { readonly [K in KindName as Uncapitalize<K>]: (bdf: number, ...fields: FieldArgs<K>) => void };

const lo = (n: number): number => n >>> 0;
const hi = (n: number): number => Math.floor(n / 0x100000000) >>> 0;

// Local copies: imported bindings may be read through getters under CommonJS interop.
const K = { ...EventKind };

export class EventEmitter implements EmitterShape {
  constructor(private readonly sink: EventSink) {}

  configWrite(bdf: number, size: number, offset: number, value: number, effective: number): void {
    this.sink.put(K.ConfigWrite, size, bdf, 0, offset, value, effective);
  }
  tableRead(bdf: number, vector: number, access: number, offset: number, value: number): void {
    this.sink.put(K.TableRead, access, bdf, vector, offset, value, 0);
  }
  tableWrite(bdf: number, vector: number, access: number, offset: number, value: number): void {
    this.sink.put(K.TableWrite, access, bdf, vector, offset, value, 0);
  }
  pbaRead(bdf: number, access: number, offset: number, value: number): void {
    this.sink.put(K.PbaRead, access, bdf, 0, offset, value, 0);
  }
  pbaWrite(bdf: number, access: number, offset: number, value: number): void {
    this.sink.put(K.PbaWrite, access, bdf, 0, offset, value, 0);
  }
  vectorMasked(bdf: number, vector: number, cause: number): void {
    this.sink.put(K.VectorMasked, cause, bdf, vector, 0, 0, 0);
  }
  vectorUnmasked(bdf: number, vector: number, cause: number): void {
    this.sink.put(K.VectorUnmasked, cause, bdf, vector, 0, 0, 0);
  }
  functionMaskChanged(bdf: number, enabled: number, masked: number, control: number, capability: number): void {
    this.sink.put(K.FunctionMaskChanged, enabled, bdf, 0, masked, control, capability);
  }
  notifyDelivered(bdf: number, vector: number, mode: number, cpuSet: number, belowSixteen: number, target: number, data: number, addressLo: number): void {
    this.sink.put(K.NotifyDelivered, mode | (cpuSet << 6) | (belowSixteen << 7), bdf, vector, target, data, addressLo);
  }
  notifyToMemory(bdf: number, vector: number, address: number, data: number): void {
    this.sink.put(K.NotifyToMemory, 0, bdf, vector, lo(address), data, hi(address));
  }
  notifyPended(bdf: number, vector: number, pending: number): void {
    this.sink.put(K.NotifyPended, pending, bdf, vector, 0, 0, 0);
  }
  notifyDropped(bdf: number, vector: number, reason: number, address: number, data: number): void {
    this.sink.put(K.NotifyDropped, reason, bdf, vector, lo(address), data, hi(address));
  }
  pendingCleared(bdf: number, vector: number, cause: number): void {
    this.sink.put(K.PendingCleared, cause, bdf, vector, 0, 0, 0);
  }
  intxChanged(bdf: number, vector: number, held: number, level: number): void {
    this.sink.put(K.IntxChanged, held, bdf, vector, level, 0, 0);
  }
  accessRefused(bdf: number, access: number, address: number, value: number): void {
    this.sink.put(K.AccessRefused, access, bdf, 0, lo(address), hi(address), value);
  }
  accessUnclaimed(bdf: number, access: number, unclaimed: number, address: number, value: number): void {
    this.sink.put(K.AccessUnclaimed, access, bdf, unclaimed, lo(address), hi(address), value);
  }
  reset(bdf: number, scope: number): void {
    this.sink.put(K.Reset, scope, bdf, 0, 0, 0, 0);
  }
  stateSaved(bdf: number, bytes: number): void {
    this.sink.put(K.StateSaved, 0, bdf, 0, bytes, 0, 0);
  }
  stateLoaded(bdf: number, bytes: number): void {
    this.sink.put(K.StateLoaded, 0, bdf, 0, bytes, 0, 0);
  }
  useCountChanged(bdf: number, vector: number, count: number): void {
    this.sink.put(K.UseCountChanged, 0, bdf, vector, count, 0, 0);
  }
  notifierFired(bdf: number, vector: number, notifier: number, pollFrom: number, pollTo: number): void {
    this.sink.put(K.NotifierFired, notifier, bdf, vector, pollFrom, pollTo, 0);
  }
  barMapped(bdf: number, mapped: number, address: number, bar: number): void {
    this.sink.put(K.BarMapped, mapped, bdf, 0, lo(address), hi(address), bar);
  }
  barOverlap(bdf: number, address: number, bar: number): void {
    this.sink.put(K.BarOverlap, 0, bdf, 0, lo(address), hi(address), bar);
  }
  breakpoint(bdf: number, vector: number, why: number, breakpoint: number, event: number): void {
    this.sink.put(K.Breakpoint, why, bdf, vector, breakpoint, lo(event), hi(event));
  }
  access(bdf: number, access: number, address: number, value: number): void {
    this.sink.put(K.Access, access, bdf, 0, lo(address), hi(address), value);
  }
  divergence(bdf: number, vector: number, divergence: number, model: number, qemu: number, addressLo: number): void {
    this.sink.put(K.Divergence, divergence, bdf, vector, model, qemu, addressLo);
  }
}
