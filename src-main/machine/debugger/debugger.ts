// The machine's debugger: breakpoints checked on every logged event, and pausing.
// The check is the event log's tap, installed only while a breakpoint is enabled or a
// step is under way, so a machine without breakpoints runs its hot paths bare.
//
// A hit pauses the machine right after the event: the operation that logged it (one
// guest access, one notify, one timer firing) runs to its end, then the clock is
// halted, which stops time and the interval sources. While paused, guest accesses
// still run (and may hit breakpoints again); device-side actions and clock advances
// that hosts hand to `perform` (raises, notifies, vector use and unuse, clock advances)
// wait in a queue until continue or step.
//
// A host that must stay responsive gives an advance or a resume a budget of firings;
// when it runs out first, the work is left Underway and the host runs it on a slice
// at a time. While it is under way, another advance or resume is refused: the clock
// has one driver.
import type { DebuggedMachine } from './debugged-machine';
import type { MsiEngine } from '../msi/msi-engine';
import { compileBreakpoint, type CompiledMatcher } from './breakpoint-matcher';
import { accessWatch, type WatchedRange } from './access-watch';
import { formatBdf, parseBdf } from '../pci/pci-bus';
import { clockRangeError } from '../clock';
import { Underway } from './underway';
import { BreakpointDetail, Origin } from '../../../src-shared/timeline/event-kinds';
import { EVENT_KIND_NAMES, EventKind } from '../../../src-shared/timeline/event-schema';
import { eventRecord } from '../../../src-shared/timeline/event-record';
import { namesVector } from '../../../src-shared/debugger/vector-events';
import {
  debuggerStateSchema,
  parseBreakpointSpec,
  type BreakpointInfo,
  type BreakpointSpec,
  type DebuggerState,
  type DeferredAction,
  type Parsed,
  type PauseReason,
  type PauseReport,
  type PerformOutcome,
  type ResumeResult,
  type RunMode,
  type VectorRef,
  type VectorState,
} from '../../../src-shared/debugger/breakpoints';

interface Breakpoint {
  readonly id: number;
  spec: BreakpointSpec;
  enabled: boolean;
  hits: number;
  matcher: CompiledMatcher;
}

/** Called on every pause, inside the operation that hit: it must not drive the machine. */
export type PauseListener = (report: PauseReport) => void;

const { Breakpoint: BREAKPOINT_KIND } = EventKind;

/** Breakpoints at once: each is checked on every event of its kinds, and the list goes to each client whole. */
export const MAX_BREAKPOINTS = 1024;

/** Actions waiting for continue at most, in any host: the queue goes whole to every client on each change and into session files. */
export const MAX_QUEUED = 1024;

/**
 * What a host that must stay responsive bounds. The queue is bounded everywhere; one
 * advance is unbounded by default, as in QEMU's qtest, where a script may step as far
 * as it likes.
 */
export interface DebuggerLimits {
  /** Actions waiting for continue at once; one more is refused. */
  queued: number;
  /** Interval-source firings one advance (clock_step, a queued advance) may run; one beyond is refused before anything moves. */
  advanceFirings: number;
  /** How the user raises advanceFirings, said in the refusal (`raise it with --max-firings N`). */
  advanceFiringsHint?: string;
}

export class Debugger {
  private breakpoints: Breakpoint[] = [];
  private nextId = 1;
  /** Enabled breakpoints by the event kinds they match. */
  private byKind: Breakpoint[][] = [];
  private mode: RunMode = 'run';
  private until: VectorRef | null = null;
  private report: PauseReport | null = null;
  private readonly queue: DeferredAction[] = [];
  private readonly listeners = new Set<PauseListener>();
  /** The advance or resume under way between slices, or null. */
  private work: Underway<unknown> | null = null;
  limits: DebuggerLimits = { queued: MAX_QUEUED, advanceFirings: Infinity };

  constructor(private readonly machine: DebuggedMachine) {}

  /** Validates `input` as a breakpoint spec and checks it against the machine. */
  add(input: unknown, enabled = true): Parsed<BreakpointInfo> {
    const full = this.noRoom();
    if (full !== null) return { ok: false, error: full };
    const compiled = this.compile(input);
    if (!compiled.ok) return compiled;
    const bp: Breakpoint = { id: this.nextId++, spec: compiled.value.spec, enabled, hits: 0, matcher: compiled.value.matcher };
    this.breakpoints.push(bp);
    this.rebuild();
    return { ok: true, value: info(bp) };
  }

  /** Edits a breakpoint in place: its id, enabled state and hit count stay. */
  replace(id: number, input: unknown): Parsed<BreakpointInfo> {
    const bp = this.find(id);
    if (bp === undefined) return { ok: false, error: `no breakpoint ${id}` };
    const compiled = this.compile(input);
    if (!compiled.ok) return compiled;
    bp.spec = compiled.value.spec;
    bp.matcher = compiled.value.matcher;
    this.rebuild();
    return { ok: true, value: info(bp) };
  }

  /** Why no breakpoint can be added now, or null. */
  noRoom(): string | null {
    return this.breakpoints.length < MAX_BREAKPOINTS ? null : `there are already ${MAX_BREAKPOINTS} breakpoints: remove one first`;
  }

  remove(id: number): boolean {
    const before = this.breakpoints.length;
    this.breakpoints = this.breakpoints.filter((bp) => bp.id !== id);
    this.rebuild();
    return this.breakpoints.length < before;
  }

  setEnabled(id: number, enabled: boolean): BreakpointInfo | null {
    const bp = this.find(id);
    if (bp === undefined) return null;
    bp.enabled = enabled;
    this.rebuild();
    return info(bp);
  }

  list(): BreakpointInfo[] {
    return this.breakpoints.map(info);
  }

  get paused(): boolean {
    return this.report !== null;
  }

  get pauseReport(): PauseReport | null {
    return this.report;
  }

  get runMode(): RunMode {
    return this.mode;
  }

  /** Actions waiting for continue or step, oldest first. */
  get queued(): readonly DeferredAction[] {
    return this.queue;
  }

  /** Returns the function that unsubscribes. */
  onPause(listener: PauseListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The advance or resume a host is running in slices, or null. */
  get underway(): Underway<unknown> | null {
    return this.work;
  }

  /**
   * Runs a device-side action or clock advance now, or queues it while paused. An
   * advance that a breakpoint interrupts keeps its rest at the head of the queue.
   * With `firings`, an advance that has more to fire than that is left Underway.
   */
  perform(action: DeferredAction): PerformOutcome;
  perform(action: DeferredAction, firings: number): PerformOutcome | Underway<PerformOutcome>;
  perform(action: DeferredAction, firings = Infinity): PerformOutcome | Underway<PerformOutcome> {
    if (action.kind === 'advance' && this.work !== null) return { ok: false, error: this.busy() };
    const problem = this.checkAction(action);
    if (problem !== null) return { ok: false, error: problem };
    if (this.report !== null) {
      if (this.queue.length >= this.limits.queued) return { ok: false, error: `${this.queue.length} actions already wait for continue or step: run them first` };
      this.queue.push(action);
      return { ok: true, status: 'queued', position: this.queue.length };
    }
    const firedAtStart = this.machine.clock.fired;
    // Only an advance has firings to run out of; the closures are made only then.
    return (
      this.performed(action, firings) ??
      this.begin(firedAtStart, (budget) => this.performed(action, budget), () => 0, () => (action.kind === 'advance' ? action.targetNs : this.machine.clock.now))
    );
  }

  /** Runs `action` with at most `firings` firings: its outcome, or null when it has more to fire. */
  private performed(action: DeferredAction, firings: number): PerformOutcome | null {
    if (this.execute(action, firings)) return { ok: true, status: 'done' };
    if (!this.machine.clock.halted) return null;
    this.queue.unshift(action);
    return { ok: true, status: 'interrupted', position: 1 };
  }

  /**
   * Pauses now, between two events (the pause button, F8): a marker event records
   * where, naming the last event logged (none: the machine has logged nothing yet).
   */
  pauseNow(): Parsed<PauseReport> {
    if (this.report !== null) return { ok: false, error: 'the machine is already paused' };
    const log = this.machine.log;
    const saved = log.currentOrigin;
    log.currentOrigin = Origin.User;
    const last = log.total - 1;
    const markerSeq = log.total;
    log.emit.breakpoint(0xffff, 0, BreakpointDetail.User, 0, Math.max(0, last));
    log.currentOrigin = saved;
    const record = eventRecord(log.slice(markerSeq, markerSeq + 1), 0);
    this.pause({ reason: 'user', breakpoint: null, event: { seq: markerSeq, record }, vector: null, markerSeq });
    return { ok: true, value: this.report! };
  }

  /** Leaves the pause and runs the queue until it is empty or a breakpoint pauses again (with `firings`, as perform). */
  continue(): ResumeResult;
  continue(firings: number): ResumeResult | Underway<ResumeResult>;
  continue(firings = Infinity): ResumeResult | Underway<ResumeResult> {
    return this.resume('run', null, firings);
  }

  /** Leaves the pause and pauses again after the next event, whatever logs it (a queued action first). */
  step(): ResumeResult;
  step(firings: number): ResumeResult | Underway<ResumeResult>;
  step(firings = Infinity): ResumeResult | Underway<ResumeResult> {
    return this.resume('step', null, firings);
  }

  /** Leaves the pause and pauses again at the next event naming the vector (by default the one paused at). */
  runUntilVectorEvent(target?: VectorRef): ResumeResult;
  runUntilVectorEvent(target: VectorRef | undefined, firings: number): ResumeResult | Underway<ResumeResult>;
  runUntilVectorEvent(target?: VectorRef, firings = Infinity): ResumeResult | Underway<ResumeResult> {
    const report = this.report;
    if (report === null) return { ok: false, error: 'the machine is not paused' };
    const ref = target ?? (report.vector === null ? null : { bdf: report.vector.bdf, vector: report.vector.vector });
    if (ref === null) return { ok: false, error: `the pause (event #${report.event.seq}, ${report.event.record.kind}) names no vector: say which` };
    const problem = this.checkVector(ref);
    if (problem !== null) return { ok: false, error: problem };
    return this.resume('until-vector', ref, firings);
  }

  /**
   * Disarms a step or run-until that is still waiting for its event (nothing has
   * happened since it was asked for); the machine keeps running. Answers what was armed.
   */
  cancelRun(): Parsed<Exclude<RunMode, 'run'>> {
    const armed = this.mode;
    if (armed === 'run') return { ok: false, error: this.report === null ? 'no step or run-until is waiting for its event' : 'the machine is paused: nothing is armed' };
    this.mode = 'run';
    this.until = null;
    this.syncTap();
    return { ok: true, value: armed };
  }

  private checkVector(ref: VectorRef): string | null {
    const fn = this.machine.fn(ref.bdf);
    const count = fn?.msix?.vectors ?? fn?.msi?.vectorsCapable;
    if (count === undefined) return `${formatBdf(ref.bdf)} is not an MSI-X or MSI function`;
    return ref.vector < count ? null : `vector ${ref.vector} out of range 0..${count - 1}`;
  }

  /** Whether a saved pause report can be one this machine made: its device, vector and breakpoint real (the session checks its place in the log). */
  private checkReport(report: PauseReport, nextId: number): string | null {
    const { seq, record } = report.event;
    if (record.seq !== seq) return `names event ${seq} but holds the record of event ${record.seq}`;
    if (!EVENT_KIND_NAMES.includes(record.kind)) return `names an event kind '${record.kind}' there is none of`;
    if (record.bdf !== null) {
      const bdf = parseBdf(record.bdf);
      if (bdf === undefined || this.machine.fn(bdf) === null) return `names device ${record.bdf}, which does not exist`;
    }
    if (report.vector !== null) {
      const problem = this.checkVector(report.vector);
      if (problem !== null) return problem;
    }
    if ((report.reason === 'breakpoint') !== (report.breakpoint !== null)) return `gives reason ${report.reason} ${report.breakpoint === null ? 'without' : 'with'} a breakpoint`;
    if (report.breakpoint !== null && report.breakpoint.id >= nextId) return `names breakpoint ${report.breakpoint.id}, not below the next id ${nextId}`;
    return null;
  }

  /** Everything the debugger holds, as plain data. */
  state(): DebuggerState {
    return { breakpoints: this.list(), nextId: this.nextId, mode: this.mode, until: this.until, paused: this.report, queue: [...this.queue] };
  }

  /** Replaces everything (session open); all or nothing. */
  restore(input: unknown): Parsed<DebuggerState> {
    const parsed = debuggerStateSchema.safeParse(input);
    if (!parsed.success) return { ok: false, error: `debugger state: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    const state = parsed.data;
    if ((state.mode === 'until-vector') !== (state.until !== null)) return { ok: false, error: 'debugger state: a run-until-vector needs its vector, and only it has one' };
    if (state.paused !== null && state.mode !== 'run') return { ok: false, error: `debugger state: paused while in ${state.mode} mode` };
    if (state.until !== null) {
      const problem = this.checkVector(state.until);
      if (problem !== null) return { ok: false, error: `debugger state: ${problem}` };
    }
    if (state.breakpoints.length > MAX_BREAKPOINTS) return { ok: false, error: `debugger state: ${state.breakpoints.length} breakpoints, more than ${MAX_BREAKPOINTS}` };
    const queued = state.queue.length;
    if (queued > this.limits.queued) return { ok: false, error: `debugger state: ${queued} queued actions, more than the ${this.limits.queued} that may wait` };
    if (queued > 0 && state.paused === null) {
      return { ok: false, error: `debugger state: ${queued} queued action${queued === 1 ? '' : 's'} but the machine is not paused (nothing would ever run ${queued === 1 ? 'it' : 'them'})` };
    }
    const restored: Breakpoint[] = [];
    for (const b of state.breakpoints) {
      const compiled = compileBreakpoint(b.spec, this.machine);
      if (!compiled.ok) return { ok: false, error: `breakpoint ${b.id}: ${compiled.error}` };
      if (b.id >= state.nextId) return { ok: false, error: `breakpoint ${b.id} is not below the next id ${state.nextId}` };
      if (restored.some((r) => r.id === b.id)) return { ok: false, error: `breakpoint ${b.id} is listed twice` };
      restored.push({ id: b.id, spec: b.spec, enabled: b.enabled, hits: b.hits, matcher: compiled.matcher });
    }
    if (state.paused !== null) {
      const problem = this.checkReport(state.paused, state.nextId);
      if (problem !== null) return { ok: false, error: `debugger state: the pause report ${problem}` };
    }
    for (const action of state.queue) {
      const problem = this.checkAction(action);
      if (problem !== null) return { ok: false, error: `queued action: ${problem}` };
    }
    this.breakpoints = restored;
    this.nextId = state.nextId;
    this.mode = state.mode;
    this.until = state.until;
    this.report = state.paused;
    this.queue.length = 0;
    this.queue.push(...state.queue);
    this.machine.clock.halted = state.paused !== null;
    this.rebuild();
    return { ok: true, value: state };
  }

  private compile(input: unknown): Parsed<{ spec: BreakpointSpec; matcher: CompiledMatcher }> {
    const parsed = parseBreakpointSpec(input);
    if (!parsed.ok) return parsed;
    const compiled = compileBreakpoint(parsed.value, this.machine);
    if (!compiled.ok) return compiled;
    return { ok: true, value: { spec: parsed.value, matcher: compiled.matcher } };
  }

  private find(id: number): Breakpoint | undefined {
    return this.breakpoints.find((bp) => bp.id === id);
  }

  private resume(mode: RunMode, until: VectorRef | null, firings: number): ResumeResult | Underway<ResumeResult> {
    if (this.work !== null) return { ok: false, error: this.busy() };
    if (this.report === null) return { ok: false, error: 'the machine is not paused' };
    // A source started while paused can make a queued advance far longer than when it was queued.
    const problem = this.checkQueuedAdvances();
    if (problem !== null) return { ok: false, error: problem };
    this.report = null;
    this.mode = mode;
    this.until = until;
    const clock = this.machine.clock;
    clock.halted = false;
    this.syncTap();
    const firedAtStart = clock.fired;
    let ran = 0;
    const drained = (budget: number): ResumeResult | null => {
      const end = clock.fired + budget;
      while (this.queue.length > 0 && this.report === null) {
        // An advance that a pause cut short stays at the head, to go on from there.
        if (!this.execute(this.queue[0]!, end - clock.fired)) {
          if (!clock.halted) return null;
          break;
        }
        this.queue.shift();
        ran++;
      }
      return { ok: true, paused: this.report !== null, ran };
    };
    // Abandoned while running, the queue's rest would wait for a continue that cannot come: it goes too.
    const drop = (): number => {
      if (this.report !== null) return 0;
      const dropped = this.queue.length - 1;
      this.queue.length = 0;
      return dropped;
    };
    const head = (): number => {
      const action = this.queue[0];
      return action?.kind === 'advance' ? action.targetNs : clock.now;
    };
    return drained(firings) ?? this.begin(firedAtStart, drained, drop, head);
  }

  /** Leaves work Underway; it stops being so when it ends or is abandoned. */
  private begin<T>(firedAtStart: number, proceed: (firings: number) => T | null, abandon: () => number, targetNs: () => number): Underway<T> {
    const work = new Underway<T>(this.machine.clock, firedAtStart, {
      proceed: (firings) => {
        const outcome = proceed(firings);
        if (outcome !== null) this.work = null;
        return outcome;
      },
      abandon: () => {
        this.work = null;
        return abandon();
      },
      targetNs,
    });
    this.work = work;
    return work;
  }

  private busy(): string {
    return `the clock is busy: an advance to ${this.work!.targetNs} ns is under way (at ${this.machine.clock.now} ns now)`;
  }

  private checkAction(action: DeferredAction): string | null {
    if (action.kind === 'advance') {
      const outOfRange = clockRangeError(action.targetNs);
      if (outOfRange !== null) return `cannot advance the clock: ${outOfRange}`;
      const firings = this.firingsUntil(action.targetNs);
      if (firings <= this.limits.advanceFirings) return null;
      return `advancing to ${action.targetNs} ns would fire the interval sources ${firings} times, more than ${this.limits.advanceFirings} at once: advance in smaller steps${this.hint()}`;
    }
    const fn = this.machine.fn(action.bdf);
    if (fn === null) return `no device at ${formatBdf(action.bdf)}`;
    if (action.kind === 'notify' && fn.msix === null) return `${formatBdf(action.bdf)} (${fn.name}) has no MSI-X capability`;
    if (action.kind === 'msiNotify' && fn.msi === null) return `${formatBdf(action.bdf)} (${fn.name}) has no MSI capability`;
    if (action.kind === 'use' || action.kind === 'unuse') {
      if (fn.msix === null) return `${formatBdf(action.bdf)} (${fn.name}) has no MSI-X capability`;
      // Refused when asked, not when a queued one would run: msix_vector_use's own words for use.
      const range = `vector ${action.vector} out of range 0..${fn.msix.vectors - 1}`;
      if (action.vector >= fn.msix.vectors) return action.kind === 'use' ? `invalid argument: ${range}` : range;
    }
    return null;
  }

  /** The queue's advances together fire the sources at most as often as the way to the furthest target does. */
  private checkQueuedAdvances(): string | null {
    let furthest = -1;
    for (const action of this.queue) if (action.kind === 'advance' && action.targetNs > furthest) furthest = action.targetNs;
    if (furthest < 0) return null;
    const firings = this.firingsUntil(furthest);
    if (firings <= this.limits.advanceFirings) return null;
    return `the queued advance to ${furthest} ns would now fire the interval sources ${firings} times, more than ${this.limits.advanceFirings} at once: stop a source first${this.hint()}`;
  }

  private hint(): string {
    const hint = this.limits.advanceFiringsHint;
    return hint === undefined ? '' : ` (or ${hint})`;
  }

  /** How many times the interval sources fire between now and `targetNs`. */
  private firingsUntil(targetNs: number): number {
    let firings = 0;
    for (const { timer } of this.machine.listSources()) {
      if (timer.due <= targetNs) firings += Math.floor((targetNs - timer.due) / timer.period) + 1;
    }
    return firings;
  }

  /** Returns false when a pause cut an advance short, or it had more than `firings` to fire. */
  private execute(action: DeferredAction, firings: number): boolean {
    const machine = this.machine;
    switch (action.kind) {
      case 'raise':
        machine.raise(machine.fn(action.bdf)!, action.vector);
        return true;
      case 'notify':
        machine.fn(action.bdf)!.msix!.notify(action.vector);
        return true;
      case 'msiNotify':
        machine.fn(action.bdf)!.msi!.notify(action.vector);
        return true;
      case 'use':
        machine.fn(action.bdf)!.msix!.use(action.vector);
        return true;
      case 'unuse':
        machine.fn(action.bdf)!.msix!.unuse(action.vector);
        return true;
      case 'advance':
        return machine.clock.advanceTo(action.targetNs, firings);
    }
  }

  /** Re-indexes the enabled breakpoints and installs (or removes) the tap and the access watches. */
  private rebuild(): void {
    const byKind: Breakpoint[][] = [];
    const ranges: { memory: WatchedRange[]; io: WatchedRange[] } = { memory: [], io: [] };
    for (const bp of this.breakpoints) {
      if (!bp.enabled) continue;
      for (const k of bp.matcher.kinds) (byKind[k] ??= []).push(bp);
      const spec = bp.spec;
      if (spec.kind === 'access') {
        ranges[spec.space].push({ start: spec.start, end: spec.start + spec.length, read: spec.direction !== 'write', write: spec.direction !== 'read' });
      }
    }
    this.byKind = byKind;
    const { memory, io, log } = this.machine;
    memory.watch = accessWatch(memory, log, false, ranges.memory);
    io.watch = accessWatch(io, log, true, ranges.io);
    this.syncTap();
  }

  private syncTap(): void {
    const needed = this.mode !== 'run' || this.byKind.some((list) => list !== undefined && list.length > 0);
    this.machine.log.tap = needed ? this.check : null;
  }

  /** The tap: runs after every append while installed. */
  private readonly check = (seq: number): void => {
    const log = this.machine.log;
    const i = log.indexOf(seq);
    const kind = log.kind[i]!;
    if (kind === BREAKPOINT_KIND) return;
    let hits: Breakpoint[] | null = null;
    const candidates = this.byKind[kind];
    if (candidates !== undefined) {
      for (const bp of candidates) {
        if (!bp.matcher.matches(log, i)) continue;
        const cond = bp.spec.condition;
        if (cond?.value !== undefined && ((bp.matcher.value!(log, i) & cond.value.mask) >>> 0) !== cond.value.equals) continue;
        bp.hits++;
        if (cond?.minHits !== undefined && bp.hits < cond.minHits) continue;
        (hits ??= []).push(bp);
      }
    }
    const modeStops = this.mode === 'step' || (this.mode === 'until-vector' && this.isUntilEvent(i, kind));
    if (hits !== null || modeStops) this.hit(seq, i, hits ?? [], modeStops);
  };

  private isUntilEvent(i: number, kind: number): boolean {
    const log = this.machine.log;
    const until = this.until!;
    return log.bdf[i] === until.bdf && log.vector[i] === until.vector && namesVector(log, i);
  }

  /** The cold path: marks each hit in the log, then pauses for the first stopping breakpoint (or the step). */
  private hit(seq: number, i: number, hits: Breakpoint[], modeStops: boolean): void {
    const log = this.machine.log;
    // Read the event before the markers are appended (a tiny ring could overwrite it).
    const bdf = log.bdf[i]!;
    const vector = log.vector[i]!;
    const record = eventRecord(log.slice(seq, seq + 1), 0);
    const vectorState = namesVector(log, i) ? this.vectorState(bdf, vector) : null;
    const saved = log.currentOrigin;
    log.currentOrigin = Origin.Machine;
    const mark = (detail: number, id: number): number => {
      const at = log.total;
      log.emit.breakpoint(bdf, vector, detail, id, seq);
      return at;
    };
    let stop: { reason: PauseReason; bp: Breakpoint | null; markerSeq: number } | null = null;
    for (const bp of hits) {
      const markerSeq = mark(bp.spec.tracepoint ? BreakpointDetail.Trace : BreakpointDetail.Stop, bp.id);
      if (!bp.spec.tracepoint && stop === null) stop = { reason: 'breakpoint', bp, markerSeq };
    }
    if (stop === null && modeStops) {
      const reason = this.mode === 'step' ? 'step' : 'until-vector';
      stop = { reason, bp: null, markerSeq: mark(reason === 'step' ? BreakpointDetail.Step : BreakpointDetail.UntilVector, 0) };
    }
    log.currentOrigin = saved;
    if (stop === null) return;
    this.pause({ reason: stop.reason, breakpoint: stop.bp === null ? null : info(stop.bp), event: { seq, record }, vector: vectorState, markerSeq: stop.markerSeq });
  }

  private pause(report: PauseReport): void {
    this.report = report;
    this.mode = 'run';
    this.until = null;
    this.machine.clock.halted = true;
    this.syncTap();
    for (const listener of this.listeners) listener(report);
  }

  private vectorState(bdf: number, vector: number): VectorState | null {
    const fn = this.machine.fn(bdf);
    const msix = fn?.msix;
    const msi = fn?.msi;
    // Events do not say which capability logged them: a device with both is read as the one it uses (MD1's order).
    if (msi != null && (msix == null || (msi.enabled && !msix.enabled))) return msiVectorState(bdf, vector, msi);
    if (msix == null || vector >= msix.vectors) return null;
    return {
      bdf,
      vector,
      masked: msix.isMasked(vector),
      maskBit: msix.maskBit(vector),
      pending: msix.isPending(vector),
      useCount: msix.useCount[vector]!,
      delivered: msix.delivered[vector]!,
      functionMask: msix.functionMaskBit,
      enabled: msix.enabled,
    };
  }
}

/** Plain MSI's vector as the vector view shows it: its mask and pending bits, in use within Multiple Message Enable. */
function msiVectorState(bdf: number, vector: number, msi: MsiEngine): VectorState | null {
  if (vector >= msi.vectorsCapable) return null;
  const maskBit = msi.isMasked(vector);
  return {
    bdf,
    vector,
    kind: 'msi',
    masked: maskBit,
    maskBit,
    pending: msi.isPending(vector),
    useCount: vector < msi.vectorsEnabled ? 1 : 0,
    delivered: msi.delivered[vector]!,
    functionMask: false,
    enabled: msi.enabled,
  };
}

function info(bp: Breakpoint): BreakpointInfo {
  return { id: bp.id, spec: bp.spec, enabled: bp.enabled, hits: bp.hits };
}
