// Checkpoints of a run taken as it goes, so that the state history (src-main/history/)
// never has to replay the run from its start: the first query is as fast as any other.
// A checkpoint is only sound between two operations (an operation may go on changing
// state after its last event), so whoever drives the machine offers one at such a
// point: each firing of an interval source, each qtest line. An offer is one compare
// until CHECKPOINT_EVERY more events were logged; then the machine's state is copied
// (a few KiB per function). What is kept is bounded twice: checkpoints older than the
// log's oldest retained event are useless (a replay from them would need what was
// overwritten) and dropped; past MAX_BYTES every other one goes and the spacing doubles.
import { checkpointBytes, takeCheckpoint, type Checkpoint, type CheckpointedMachine } from './checkpoint';

export const CHECKPOINT_EVERY = 1 << 12;
const MAX_BYTES = 32 << 20;
/** However large the machine, at least this many are kept before thinning. */
const MIN_KEPT = 16;

export class CheckpointTrail {
  /** Ascending by sequence number, each from the log's current history. */
  private readonly kept: Checkpoint[] = [];
  private nextAt: number;
  private epoch: number;
  private maxKept = Infinity;

  constructor(
    private readonly machine: CheckpointedMachine,
    /** Events between two checkpoints (tests shorten it to exercise the trail on short runs). */
    public every = CHECKPOINT_EVERY,
  ) {
    this.nextAt = every;
    this.epoch = machine.log.epoch;
  }

  /** Called between two operations, never inside one: takes a checkpoint when one is due. */
  offer(): void {
    const log = this.machine.log;
    if (log.total < this.nextAt && log.epoch === this.epoch) return;
    if (log.epoch !== this.epoch) {
      // The log was cleared or replaced (a session restore): what was kept is of another history.
      this.kept.length = 0;
      this.epoch = log.epoch;
      // A restored state is exact where it stands: worth a checkpoint right away.
      if (log.total === 0) {
        this.nextAt = this.every;
        return;
      }
    }
    this.take();
  }

  /** The checkpoints a replay can start from now (none older than the oldest retained event). */
  list(): readonly Checkpoint[] {
    const log = this.machine.log;
    if (log.epoch !== this.epoch) return [];
    let drop = 0;
    while (drop < this.kept.length && this.kept[drop]!.seq < log.firstSeq) drop++;
    if (drop > 0) this.kept.splice(0, drop);
    return this.kept;
  }

  private take(): void {
    const cp = takeCheckpoint(this.machine);
    this.kept.push(cp);
    this.list();
    if (this.maxKept === Infinity) this.maxKept = Math.max(MIN_KEPT, Math.floor(MAX_BYTES / checkpointBytes(cp)));
    if (this.kept.length > this.maxKept) {
      // Keep the newest and every other one before it.
      const last = this.kept.length - 1;
      const thinned = this.kept.filter((_, i) => (last - i) % 2 === 0);
      this.kept.length = 0;
      this.kept.push(...thinned);
      this.every *= 2;
    }
    this.nextAt = cp.seq + this.every;
  }
}
