// A display filter run over the host's history: the sequence numbers of the events it
// lets through, overall (the log view's rows) and per lane (the timeline's marks). It
// tests new events as they come and forgets evicted ones, a time-boxed slice per
// request, so a filter over millions of events (or one reading every event's text)
// never stalls the host: the answer says how far it has got.
import { compileFilter, type EventPredicate } from '../../src-shared/timeline/event-filter';
import { classInLane, laneOfEvent } from '../../src-shared/timeline/lanes';
import type { FilterProgress } from '../../src-shared/timeline/window';
import type { EventHistory } from './event-history';
import { LaneIndex } from './lane-index';
import { SeqChunks } from './seq-chunks';
import { RequestError } from './handler-kit';

/** How long one request may spend testing events. */
export const FILTER_SLICE_MS = 8;
const CLOCK_EVERY = 4096;

export class FilterIndex {
  readonly lanes = new LaneIndex();
  private readonly matches = new SeqChunks();
  /** The next event to test. */
  private testedTo = 0;
  private generation = -1;

  constructor(
    readonly text: string,
    private readonly predicate: EventPredicate,
  ) {}

  /** Forgets what the history evicted and tests what it took in since, for at most `sliceMs`. */
  update(history: EventHistory, sliceMs = FILTER_SLICE_MS): void {
    if (history.generation !== this.generation || history.total < this.testedTo) {
      this.generation = history.generation;
      this.lanes.clear();
      this.matches.dropBelow(this.matches.end);
      this.testedTo = 0;
    }
    if (this.testedTo < history.firstSeq) this.testedTo = history.firstSeq;
    this.matches.dropBelow(this.matches.lowerBound(history.firstSeq, this.lanes.expand));
    this.lanes.dropBelow(history.firstSeq);
    const cols = history.view();
    const deadline = performance.now() + sliceMs;
    const end = history.total;
    let seq = this.testedTo;
    while (seq < end) {
      const stop = Math.min(end, seq + CLOCK_EVERY);
      for (; seq < stop; seq++) {
        const i = history.slot(seq);
        if (!this.predicate(cols, i, seq)) continue;
        this.matches.push(seq >>> 0);
        const key = laneOfEvent(cols, i);
        if (key >= 0) this.lanes.push(key, classInLane(cols, i), seq);
      }
      if (performance.now() >= deadline) break;
    }
    this.testedTo = seq;
  }

  progress(history: EventHistory): FilterProgress {
    return { matched: this.rowCount, complete: this.testedTo >= history.total, tested: this.testedTo - history.firstSeq };
  }

  get rowCount(): number {
    return this.matches.end - this.matches.start;
  }

  /** The sequence number of match `row` (0: the oldest held). */
  seqOfRow(row: number): number {
    return this.lanes.expand(this.matches.at(this.matches.start + row));
  }

  /** The row of the first match at or after `seq` (rowCount when none is). */
  rowAtOrAfter(seq: number): number {
    return this.matches.lowerBound(seq, this.lanes.expand) - this.matches.start;
  }
}

/** The filters asked for lately, compiled once and kept up to date; a filter that does not parse is refused naming where. */
export class FilterCache {
  private readonly entries: FilterIndex[] = [];

  constructor(private readonly keep = 2) {}

  /** The index of `text` (null for a blank filter), brought up to date with the history. */
  get(text: string | undefined, history: EventHistory, field = 'filter'): FilterIndex | null {
    if (text === undefined || text.trim() === '') return null;
    let index = this.entries.find((e) => e.text === text);
    if (index === undefined) {
      const compiled = compileFilter(text);
      if (!compiled.ok) throw new RequestError(field, compiled.error);
      index = new FilterIndex(text, compiled.matches!);
      this.entries.unshift(index);
      this.entries.length = Math.min(this.entries.length, this.keep);
    } else {
      this.entries.splice(this.entries.indexOf(index), 1);
      this.entries.unshift(index);
    }
    index.update(history);
    return index;
  }
}
