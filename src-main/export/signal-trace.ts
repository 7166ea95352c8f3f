// Mask and pending levels per vector (plus each device's function mask and INTx
// pin) rebuilt from the event log, for the waveform and trace exports. The levels
// start as the machine is built (I5: every vector masked, nothing pending, INTx low)
// when the log holds everything from the start; after eviction they start unknown
// ('x') and become known at their first event.
import { EventKind } from '../../src-shared/timeline/event-schema';
import type { TimelineSource } from './timeline-source';

export type Level = 0 | 1 | 'x';
export type SignalKind = 'function-masked' | 'intx' | 'masked' | 'pending';

export interface Signal {
  bdf: number;
  /** null for the device-wide signals. */
  vector: number | null;
  kind: SignalKind;
  initial: Level;
}

export interface SignalVisitor {
  /** Signal `signal` (an index into `signals`) changed to `level` at event `i`. */
  change(i: number, signal: number, level: Level): void;
  /** Event `i` delivered a message of vector `vector` of `bdf` (to an interrupt controller or memory). */
  delivery(i: number, bdf: number, vector: number): void;
}

export class SignalTrace {
  readonly signals: Signal[] = [];
  private readonly functionSignal = new Map<number, number>();
  private readonly intxSignal = new Map<number, number>();
  /** Index of vector 0's masked signal per device; vector v's masked is at +2v, pending at +2v+1. */
  private readonly vectorBase = new Map<number, number>();
  private readonly vectorCount = new Map<number, number>();

  constructor(private readonly source: TimelineSource) {
    const known = source.evicted === 0;
    const start = (built: 0 | 1): Level => (known ? built : 'x');
    for (const d of source.devices) {
      if (d.vectors > 0) {
        this.functionSignal.set(d.bdf, this.add({ bdf: d.bdf, vector: null, kind: 'function-masked', initial: start(1) }));
      }
      this.intxSignal.set(d.bdf, this.add({ bdf: d.bdf, vector: null, kind: 'intx', initial: start(0) }));
      if (d.vectors === 0) continue;
      this.vectorBase.set(d.bdf, this.signals.length);
      this.vectorCount.set(d.bdf, d.vectors);
      for (let v = 0; v < d.vectors; v++) {
        this.add({ bdf: d.bdf, vector: v, kind: 'masked', initial: start(1) });
        this.add({ bdf: d.bdf, vector: v, kind: 'pending', initial: start(0) });
      }
    }
  }

  private add(signal: Signal): number {
    this.signals.push(signal);
    return this.signals.length - 1;
  }

  signalsOf(bdf: number): number[] {
    return this.signals.flatMap((s, i) => (s.bdf === bdf ? [i] : []));
  }

  /** Walks every retained event in order, reporting level changes and deliveries. */
  walk(visitor: SignalVisitor): void {
    const levels: Level[] = this.signals.map((s) => s.initial);
    const set = (i: number, signal: number | undefined, level: Level): void => {
      if (signal === undefined || levels[signal] === level) return;
      levels[signal] = level;
      visitor.change(i, signal, level);
    };
    const cols = this.source.columns;
    for (let i = 0; i < cols.kind.length; i++) {
      const bdf = cols.bdf[i]!;
      const vector = cols.vector[i]!;
      const base = this.vectorBase.get(bdf);
      const inRange = base !== undefined && vector < this.vectorCount.get(bdf)!;
      const masked = inRange ? base + 2 * vector : undefined;
      const pending = inRange ? base + 2 * vector + 1 : undefined;
      const everyVector = (offset: 0 | 1, level: Level): void => {
        if (base === undefined) return;
        for (let v = 0; v < this.vectorCount.get(bdf)!; v++) set(i, base + 2 * v + offset, level);
      };
      switch (cols.kind[i]) {
        case EventKind.VectorMasked:
          set(i, masked, 1);
          break;
        case EventKind.VectorUnmasked:
          set(i, masked, 0);
          break;
        case EventKind.FunctionMaskChanged:
          set(i, this.functionSignal.get(bdf), cols.a[i] ? 1 : 0);
          // Disabling MSI-X masks every vector without a per-vector event (C2).
          if (cols.a[i]) everyVector(0, 1);
          break;
        case EventKind.StateLoaded:
          // X3: every vector counts as masked, unmask events follow; the loaded pending bits are not logged.
          everyVector(0, 1);
          everyVector(1, 'x');
          break;
        case EventKind.Reset:
          // X1 clears Enable and Function Mask directly; its mask and pending changes are logged per vector.
          for (const [dev, signal] of this.functionSignal) if (bdf === 0xffff || dev === bdf) set(i, signal, 1);
          break;
        case EventKind.NotifyPended:
          set(i, pending, 1);
          break;
        case EventKind.PendingCleared:
          set(i, pending, 0);
          break;
        case EventKind.IntxChanged:
          set(i, this.intxSignal.get(bdf), cols.a[i] ? 1 : 0);
          break;
        case EventKind.NotifyDelivered:
        case EventKind.NotifyToMemory:
          if (inRange) visitor.delivery(i, bdf, vector);
          break;
      }
    }
  }
}
