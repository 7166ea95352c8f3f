// The doctor: feeds the event stream through the rule table and keeps one finding
// per rule and place. It runs beside the machine, never inside it: the host feeds it
// what the log already holds. Bounded: at most MAX_FINDINGS places, and per finding
// the first few events and the latest.
import type { EventColumns } from '../timeline/columns';
import { bdfText } from '../timeline/event-record';
import { EVENT_KIND_COUNT, EventKind, type ColumnSet } from '../timeline/event-schema';
import { DeviceTrack } from './device-track';
import type { DoctorEvent } from './doctor-event';
import { SEVERITY_ORDER, type Finding } from './finding';
import { RULES, type Hit, type Rule } from './rules';

const NO_DEVICE = 0xffff;
/** The kinds a source floods, whose repeats feedRun takes at once (and DeviceTrack.repeat counts). */
const REPEATS = new Uint8Array(EVENT_KIND_COUNT);
REPEATS[EventKind.NotifyDelivered] = 1;
REPEATS[EventKind.NotifyPended] = 1;
export const MAX_FINDINGS = 4096;
/** Events kept per finding: this many from the start, and the latest. */
const FIRST_SEQS = 4;

export class Doctor {
  private readonly devices = new Map<number, DeviceTrack>();
  private readonly found = new Map<string, Finding>();
  /** Findings not kept because MAX_FINDINGS places were already reported. */
  overflow = 0;
  private readonly event: DoctorEvent = { seq: 0, kind: 0, bdf: 0, vector: 0, cols: { time: [], kind: [], detail: [], origin: [], bdf: [], vector: [], a: [], b: [], c: [] }, i: 0 };

  /** The rules by the event kind they look at. */
  private readonly byKind: Rule[][] = Array.from({ length: EVENT_KIND_COUNT }, () => []);

  constructor(private readonly rules: readonly Rule[] = RULES) {
    for (const rule of rules) for (const kind of rule.kinds) this.byKind[kind]!.push(rule);
  }

  /** What the doctor knows of a device so far (undefined: no event named it). */
  track(bdf: number): DeviceTrack | undefined {
    return this.devices.get(bdf);
  }

  private device(bdf: number): DeviceTrack {
    let d = this.devices.get(bdf);
    if (d === undefined) {
      d = new DeviceTrack();
      this.devices.set(bdf, d);
    }
    return d;
  }

  /**
   * Events i..i+n-1 of `cols`, each event i again but for its time (repeatRunEnd), seq
   * the first's: as feeding them one by one. For a flood's kinds the repeats are taken
   * at once: their rules read only the event and the device's mode, which a repeat
   * leaves as it was, and a repeat only counts in the vector's state (DeviceTrack.repeat).
   */
  feedRun(cols: ColumnSet, i: number, seq: number, n: number): void {
    this.feedEvent(cols, i, seq);
    const kind = cols.kind[i]!;
    if (n === 1) return;
    if (REPEATS[kind] === 0 || cols.bdf[i] === NO_DEVICE || this.byKind[kind]!.some((rule) => rule.after !== undefined)) {
      for (let k = 1; k < n; k++) this.feedEvent(cols, i + k, seq + k);
      return;
    }
    const e = this.event;
    e.seq = seq + n - 1;
    e.i = i + n - 1;
    const dev = this.device(e.bdf);
    for (const rule of this.byKind[kind]!) {
      const hit = rule.check?.(e, dev);
      if (hit) for (let k = 1; k < n; k++) this.record(rule, e.bdf, e.vector, seq + k, hit);
    }
    dev.repeat(e, n - 1);
  }

  /** Takes events in sequence order (batches, slices of a log, a file). */
  feed(columns: EventColumns, from = 0, to = columns.kind.length): void {
    for (let i = from; i < to; i++) this.feedEvent(columns, i, columns.firstSeq + i);
  }

  /** Event i of `cols`, the next in sequence order, `seq` its sequence number (a host reading its log's ring). */
  feedEvent(cols: ColumnSet, i: number, seq: number): void {
    const e = this.event;
    const kind = cols.kind[i]!;
    const bdf = cols.bdf[i]!;
    const vector = cols.vector[i]!;
    e.seq = seq;
    e.kind = kind;
    e.bdf = bdf;
    e.vector = vector;
    e.cols = cols;
    e.i = i;
    const rules = this.byKind[kind] ?? [];
    const dev = this.device(bdf);
    for (const rule of rules) {
      const hit = rule.check?.(e, dev);
      if (hit) this.record(rule, bdf, vector, seq, hit);
    }
    if (bdf === NO_DEVICE) return;
    dev.apply(e);
    for (const rule of rules) {
      const hit = rule.after?.(e, dev);
      if (hit) this.record(rule, bdf, vector, seq, hit);
    }
  }

  private record(rule: Rule, bdf: number, vector: number, seq: number, hit: Hit, into = this.found): void {
    const v = hit.perVector ? vector : null;
    const key = `${rule.id}|${bdf}|${v ?? ''}`;
    const known = into.get(key);
    if (known !== undefined) {
      known.count++;
      if (known.seqs.length <= FIRST_SEQS) known.seqs.push(seq);
      else known.seqs[FIRST_SEQS] = seq;
      return;
    }
    if (into.size >= MAX_FINDINGS) {
      if (into === this.found) this.overflow++;
      return;
    }
    const seqs = [...(hit.related ?? []), seq].sort((x, y) => x - y);
    into.set(key, {
      rule: rule.id,
      severity: rule.severity,
      device: bdfText(bdf),
      bdf: bdf === NO_DEVICE ? null : bdf,
      vector: v,
      seqs,
      count: 1,
      why: hit.why,
      source: rule.source,
    });
  }

  /** Everything found so far, plus what the state at this point shows (atEnd rules): errors first, then by first event. */
  findings(): Finding[] {
    const now = new Map<string, Finding>();
    for (const [bdf, dev] of this.devices) {
      for (const rule of this.rules) {
        for (const hit of rule.atEnd?.(dev) ?? []) this.record(rule, bdf, hit.vector, hit.seq, hit, now);
      }
    }
    return [...this.found.values(), ...now.values()].sort(
      (x, y) => SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity] || x.seqs[0]! - y.seqs[0]! || x.rule.localeCompare(y.rule),
    );
  }
}

/** The findings of a whole stream. */
export function diagnose(columns: EventColumns): Finding[] {
  const doctor = new Doctor();
  doctor.feed(columns);
  return doctor.findings();
}
