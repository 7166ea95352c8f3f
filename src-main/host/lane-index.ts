// Per timeline lane and class, the ascending list of its events' sequence numbers (4 B
// each): what a window query walks, so it costs what the screen shows. The history keeps
// one over every event it holds; a filter keeps one over the events it let through.
import { LANE_CLASS_COUNT } from '../../src-shared/timeline/lanes';
import { SeqChunks } from './seq-chunks';

export type Lane = SeqChunks[];

export class LaneIndex {
  private readonly lanes = new Map<number, Lane>();
  /** Every list holds only sequence numbers >= this (their low 32 bits are expanded against it). */
  private floor = 0;

  get(key: number): Lane | undefined {
    return this.lanes.get(key);
  }

  /** The lane pushed to last: a flood names the same lane event after event. */
  private lastKey = -1;
  private lastLane: Lane | undefined;

  push(key: number, cls: number, seq: number): void {
    this.lane(key)[cls]!.push(seq >>> 0);
  }

  /** Pushes the n consecutive events from `seq`, all of lane `key` and class `cls`. */
  pushRun(key: number, cls: number, seq: number, n: number): void {
    this.lane(key)[cls]!.pushRun(seq, n);
  }

  private lane(key: number): Lane {
    let lane = key === this.lastKey ? this.lastLane : this.lanes.get(key);
    if (lane === undefined) {
      lane = Array.from({ length: LANE_CLASS_COUNT }, () => new SeqChunks());
      this.lanes.set(key, lane);
    }
    this.lastKey = key;
    this.lastLane = lane;
    return lane;
  }

  clear(): void {
    this.lanes.clear();
    this.lastKey = -1;
    this.lastLane = undefined;
    this.floor = 0;
  }

  /** Forgets every entry below `firstSeq`, releasing the chunks they filled. */
  dropBelow(firstSeq: number): void {
    for (const lane of this.lanes.values()) {
      for (const list of lane) list.dropBelow(list.lowerBound(firstSeq, this.expand));
    }
    this.floor = firstSeq;
  }

  /** The full sequence number of an entry. */
  readonly expand = (seq32: number): number => this.floor + ((seq32 - this.floor) >>> 0);

  /** Lanes with an entry, ascending. */
  active(): number[] {
    const out: number[] = [];
    for (const [key, lane] of this.lanes) if (lane.some((list) => list.end > list.start)) out.push(key);
    return out.sort((x, y) => x - y);
  }

  /** Bytes of the lists, slack included. */
  get bytes(): number {
    let n = 0;
    for (const lane of this.lanes.values()) for (const list of lane) n += list.bytes;
    return n;
  }
}
