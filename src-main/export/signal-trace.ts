// Mask and pending levels per vector (plus each device's function mask and INTx
// pin) rebuilt from the event log one event at a time, for the waveform and trace
// exports, which read the log in chunks. The levels start as the machine is built
// (I5: every vector masked, nothing pending, INTx low) when the log holds everything
// from the start; after eviction they start unknown ('x') and become known at their
// first event.
import { EventKind, eventField } from '../../src-shared/timeline/event-schema';
import type { EventColumns } from '../../src-shared/timeline/columns';
import type { ExportDevice } from './timeline-source';

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
  /** Signal `signal` (an index into `signals`) changed to `level`. */
  change(signal: number, level: Level): void;
}

const NO_DEVICE = 0xffff;
// Read once: the loop below runs per event.
const { VectorMasked: VECTOR_MASKED, VectorUnmasked: VECTOR_UNMASKED, FunctionMaskChanged: FUNCTION_MASK_CHANGED, StateLoaded: STATE_LOADED, Reset: RESET, NotifyPended: NOTIFY_PENDED, PendingCleared: PENDING_CLEARED, IntxChanged: INTX_CHANGED } = EventKind;

export class SignalTrace {
  readonly signals: Signal[] = [];
  private readonly levels: Level[];
  private readonly functionSignal = new Map<number, number>();
  private readonly intxSignal = new Map<number, number>();
  /** Index of vector 0's masked signal per device; vector v's masked is at +2v, pending at +2v+1. */
  private readonly vectorBase = new Map<number, number>();
  private readonly vectorCount = new Map<number, number>();

  constructor(devices: readonly ExportDevice[], fromTheStart: boolean) {
    const start = (built: 0 | 1): Level => (fromTheStart ? built : 'x');
    for (const d of devices) {
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
    this.levels = this.signals.map((s) => s.initial);
  }

  private add(signal: Signal): number {
    this.signals.push(signal);
    return this.signals.length - 1;
  }

  signalsOf(bdf: number): number[] {
    return this.signals.flatMap((s, i) => (s.bdf === bdf ? [i] : []));
  }

  /** Whether `vector` is one of the MSI-X vectors of `bdf` (a drop may name one past the table). */
  hasVector(bdf: number, vector: number): boolean {
    return vector < (this.vectorCount.get(bdf) ?? 0);
  }

  /** Takes in event `i` of `cols`, reporting each level it changes. */
  step(cols: EventColumns, i: number, visitor: SignalVisitor): void {
    const bdf = cols.bdf[i]!;
    const vector = cols.vector[i]!;
    const base = this.vectorBase.get(bdf);
    const inRange = base !== undefined && vector < this.vectorCount.get(bdf)!;
    switch (cols.kind[i]) {
      case VECTOR_MASKED:
        if (inRange) this.set(base + 2 * vector, 1, visitor);
        break;
      case VECTOR_UNMASKED:
        if (inRange) this.set(base + 2 * vector, 0, visitor);
        break;
      case FUNCTION_MASK_CHANGED:
        this.set(this.functionSignal.get(bdf), eventField.FunctionMaskChanged.masked(cols, i) ? 1 : 0, visitor);
        // Disabling MSI-X masks every vector without a per-vector event (C2).
        if (eventField.FunctionMaskChanged.masked(cols, i)) this.everyVector(bdf, 0, 1, visitor);
        break;
      case STATE_LOADED:
        // X3: every vector counts as masked, unmask events follow; the loaded pending bits are not logged.
        this.everyVector(bdf, 0, 1, visitor);
        this.everyVector(bdf, 1, 'x', visitor);
        break;
      case RESET:
        // X1 clears Enable and Function Mask directly; its mask and pending changes are logged per vector.
        for (const [dev, signal] of this.functionSignal) if (bdf === NO_DEVICE || dev === bdf) this.set(signal, 1, visitor);
        break;
      case NOTIFY_PENDED:
        if (inRange) this.set(base + 2 * vector + 1, 1, visitor);
        break;
      case PENDING_CLEARED:
        if (inRange) this.set(base + 2 * vector + 1, 0, visitor);
        break;
      case INTX_CHANGED:
        this.set(this.intxSignal.get(bdf), eventField.IntxChanged.level(cols, i) ? 1 : 0, visitor);
        break;
    }
  }

  private set(signal: number | undefined, level: Level, visitor: SignalVisitor): void {
    if (signal === undefined || this.levels[signal] === level) return;
    this.levels[signal] = level;
    visitor.change(signal, level);
  }

  /** Sets the masked (offset 0) or pending (1) level of every vector of `bdf`. */
  private everyVector(bdf: number, offset: 0 | 1, level: Level, visitor: SignalVisitor): void {
    const base = this.vectorBase.get(bdf);
    if (base === undefined) return;
    for (let v = 0; v < this.vectorCount.get(bdf)!; v++) this.set(base + 2 * v + offset, level, visitor);
  }
}
