// The machine as it was right after any event of a run: a second machine, built from
// the same description, re-driven event by event (replay-input.ts) from the nearest
// checkpoint, stopped right after the event asked for. Exact by construction: every
// event it logs on the way is checked against the run's, and a mismatch is an error,
// never a guess. The checkpoints are the run's own, taken as it went between
// operations (machine/checkpoint-trail.ts), so even the first query replays at most
// about CHECKPOINT_EVERY events; where the run has none (a loaded session's events,
// events a caller logged without offering one), the replica takes them every
// CHECKPOINT_EVERY events as its replay passes them.
import type { Machine } from '../machine/machine';
import { buildMachine } from '../machine/machine-builder';
import { DropReason } from '../../src-shared/timeline/event-kinds';
import { EVENT_KIND_NAMES, EventKind, eventField, sameFields } from '../../src-shared/timeline/event-schema';
import { replayInput } from './replay-input';
import { restoreCheckpoint, takeCheckpoint, type Checkpoint } from '../machine/checkpoint';
import { CHECKPOINT_EVERY } from '../machine/checkpoint-trail';


export type StateAt = { ok: true; machine: Machine } | { ok: false; error: string };

/** Thrown from the log's tap to stop the replay right after the event asked for. */
class Stop extends Error {}

/** Drops the engine counts as delivered before it knows the message reached nothing (it takes them back right after the drop). */
const TAKEN_BACK = new Set<number>([DropReason.BusMasterDisabled, DropReason.Unclaimed, DropReason.NoSuchCpu]);

export class StateHistory {
  /** The second machine; after a successful at() it holds that state until the next call. */
  readonly replica: Machine;
  /** The replica's own, by sequence number, ascending; the first is the machine as built. */
  private readonly checkpoints: Checkpoint[] = [];
  /** Events the last at() replayed (tests check what a query costs by it, not by the clock). */
  replayed = 0;

  constructor(private readonly run: Machine) {
    const built = buildMachine(run.description);
    if (!built.ok) throw new Error(`the run's machine description no longer builds: ${built.errors.join('; ')}`);
    this.replica = built.machine;
    this.checkpoints.push(takeCheckpoint(this.replica));
  }

  /**
   * The replica, in the state right after event `seq` of the run. It stays valid until
   * the next call; read what you need from it and leave it unchanged.
   */
  at(seq: number): StateAt {
    const log = this.run.log;
    this.replayed = 0;
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= log.total) return { ok: false, error: `no event #${seq}: the run has events #0..#${log.total - 1}` };
    // A replay reads the run's events from its checkpoint on: those must all be retained.
    const own = latestUpTo(this.checkpoints, seq, log.firstSeq);
    const theRun = latestUpTo(this.run.checkpoints.list(), seq, log.firstSeq);
    const from = own === null ? theRun : theRun === null || own.seq >= theRun.seq ? own : theRun;
    if (from === null) {
      if (log.firstSeq > 0) return { ok: false, error: `the run's first ${log.firstSeq} events were overwritten (or never kept), and no checkpoint of the run lies between them and #${seq}: the state there cannot be rebuilt` };
      const built = this.checkpoints[0]!.seq;
      return { ok: false, error: `event #${seq} is logged while the machine is being built; the first state there is is right after #${built - 1}` };
    }
    // Whole operations first: the one that logs the event may go on after it.
    restoreCheckpoint(this.replica, from);
    const ran = this.replayWhole(seq + 1);
    if (!ran.ok) return ran;
    if (this.replica.log.total === seq + 1) return { ok: true, machine: this.replica };
    // The event is inside an operation: again from the checkpoint, up to the operation, then into it up to the event.
    restoreCheckpoint(this.replica, from);
    const upTo = this.replayWhole(ran.start);
    if (!upTo.ok) return upTo;
    return this.stopInside(seq);
  }

  /** Replays whole operations while events before `end` remain; says where the last one started. */
  private replayWhole(end: number): { ok: true; start: number } | { ok: false; error: string } {
    const rlog = this.replica.log;
    let start = rlog.total;
    while (rlog.total < end) {
      start = rlog.total;
      if (start % CHECKPOINT_EVERY === 0 && start > this.checkpoints.at(-1)!.seq) this.checkpoints.push(takeCheckpoint(this.replica));
      const done = replayInput(this.replica, this.run.log, start);
      if (!done.ok) return done;
      this.replayed += rlog.total - start;
      const diverged = this.check(start, rlog.total);
      if (diverged !== null) return { ok: false, error: diverged };
    }
    return { ok: true, start };
  }

  /** Runs the operation that logs event `target`, stopping the machine right after it. */
  private stopInside(target: number): StateAt {
    const rlog = this.replica.log;
    rlog.tap = (s) => {
      if (s === target) throw new Stop();
    };
    try {
      const done = replayInput(this.replica, this.run.log, rlog.total);
      if (!done.ok) return done;
      return { ok: false, error: `the replay of the operation did not reach #${target}` };
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      this.replayed++;
      const diverged = this.check(target, target + 1);
      if (diverged !== null) return { ok: false, error: diverged };
      this.finishStoppedEvent(target);
      return { ok: true, machine: this.replica };
    } finally {
      rlog.tap = null;
    }
  }

  /** What the machine does right after logging the event, as part of logging it. */
  private finishStoppedEvent(seq: number): void {
    const log = this.run.log;
    const i = log.indexOf(seq);
    if (log.kind[i] !== EventKind.NotifyDropped || !TAKEN_BACK.has(eventField.NotifyDropped.reason(log, i))) return;
    const msix = this.replica.fn(log.bdf[i]!)?.msix;
    const v = log.vector[i]!;
    if (msix && v < msix.vectors) msix.delivered[v] = msix.delivered[v]! - 1;
  }

  /** Null when the replica logged events [from, to) exactly as the run did. */
  private check(from: number, to: number): string | null {
    const run = this.run.log;
    const rep = this.replica.log;
    for (let s = from; s < to; s++) {
      if (s >= run.total) return `the replay ran past the run's last event #${run.total - 1}`;
      const i = run.indexOf(s);
      const j = rep.indexOf(s);
      const same =
        run.kind[i] === rep.kind[j] && run.bdf[i] === rep.bdf[j] && sameFields(run, i, rep, j);
      if (!same) return `the replay diverged at #${s}: the run logged ${EVENT_KIND_NAMES[run.kind[i]!]}, the replay ${EVENT_KIND_NAMES[rep.kind[j]!]}`;
    }
    return null;
  }
}

/** The last of `cps` (ascending) taken at or before `seq`, or null (also when it is older than `oldest`). */
function latestUpTo(cps: readonly Checkpoint[], seq: number, oldest: number): Checkpoint | null {
  let lo = 0;
  let hi = cps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cps[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 || cps[lo - 1]!.seq < oldest ? null : cps[lo - 1]!;
}
