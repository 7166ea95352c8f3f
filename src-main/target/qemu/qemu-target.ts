// A real QEMU as a Target. The attachment's shadow model (src-main/qemu/) follows every
// traced guest access, so it answers topology, inspection, the event stream (with its
// Divergence events), earlier states and session saves as the simulated machine does;
// its debugger holds the breakpoints, and stopping or resuming it stops or resumes the
// real guest over QMP. qtest lines go to QEMU itself. What QEMU cannot be asked — a
// device-side raise, notify or use, an interval source, an edit from the register or
// poke views, a reset — answers a Refusal marked unsupported.
import type { QemuAttachment } from '../../qemu/qemu-attach';
import { MachineTarget } from '../simulated/machine-target';
import { done, unsupported, type ActionDone, type Outcome, type QtestEndpoint, type Refusal, type Target, type TargetDebugger, type VectorState } from '../target';
import type { LiveVectors } from '../../qemu/live-msix';
import { pendingBit, vectorMaskBit } from '../../../src-shared/registers/msix-entry';
import type { AccessResult, SetpciReply, SourceInfo } from '../../../src-shared/ipc/contract';
import type { DeferredAction, PauseReport, ResumeResult, VectorRef } from '../../../src-shared/debugger/breakpoints';
import type { ConfigAccessor } from '../../../src-shared/pci-text/setpci';

export const QEMU_TARGET = 'a QEMU target';

const no = (what: string): Refusal => unsupported(what, QEMU_TARGET);

/** The model's debugger, whose resumes also let the real guest run (a pause stops it: the attachment watches the model's pauses). */
class GuestDebugger implements TargetDebugger {
  constructor(
    private readonly model: TargetDebugger,
    private readonly attachment: QemuAttachment,
  ) {}

  get paused() {
    return this.model.paused;
  }
  get pauseReport() {
    return this.withGuestStop(this.model.pauseReport);
  }
  get runMode() {
    return this.model.runMode;
  }
  get queued() {
    return this.model.queued;
  }
  get limits() {
    return this.model.limits;
  }
  set limits(limits: TargetDebugger['limits']) {
    this.model.limits = limits;
  }
  state = () => {
    const state = this.model.state();
    return { ...state, paused: this.withGuestStop(state.paused) };
  };
  list = () => this.model.list();
  noRoom = () => this.model.noRoom();
  add = (spec: unknown, enabled?: boolean) => this.model.add(spec, enabled);
  replace = (id: number, spec: unknown) => this.model.replace(id, spec);
  remove = (id: number) => this.model.remove(id);
  setEnabled = (id: number, enabled: boolean) => this.model.setEnabled(id, enabled);
  pauseNow = () => this.model.pauseNow();
  cancelRun = () => this.model.cancelRun();
  onPause = (listener: (report: PauseReport) => void) => this.model.onPause(listener);
  continue = () => this.resumed(this.model.continue());
  step = () => this.resumed(this.model.step());
  runUntilVectorEvent = (vector?: VectorRef) => this.resumed(this.model.runUntilVectorEvent(vector));
  /** A queued device-side action would never run: QEMU's device models raise their own interrupts. */
  perform = (action: DeferredAction) => ({ ok: false, error: no(action.kind === 'advance' ? 'moving the clock' : 'device-side work').error }) as const;

  /** A pause report with how the real guest's stop went, when one was made for it. */
  private withGuestStop(report: PauseReport | null): PauseReport | null {
    const guestStop = report === null ? null : this.attachment.guestStopOf(report.markerSeq);
    return report === null || guestStop === null ? report : { ...report, guestStop };
  }

  private resumed(result: ResumeResult): ResumeResult {
    if (result.ok) this.attachment.letGuestRun().catch(() => undefined);
    return result;
  }
}

/** The model's vector state with QEMU's table and PBA in it: the mask and pending bits the why column explains are QEMU's too. */
function withLive(model: VectorState, live: LiveVectors): VectorState {
  return {
    ...model,
    table: live.table,
    pba: live.pba,
    now: model.now.map((v, i) => ({ ...v, vectorBit: vectorMaskBit(live.table, i), pending: pendingBit(live.pba, i) })),
    live: { timeNs: live.timeNs },
  };
}

export class QemuTarget extends MachineTarget implements Target {
  override readonly label = QEMU_TARGET;
  override readonly watchOnly = 'a real QEMU: its guest’s driver and QEMU’s device models own the devices, so edits, Fire, sources and reset are refused (qtest lines in the script console still go to QEMU)';
  private readonly guest: TargetDebugger;

  constructor(private readonly attachment: QemuAttachment) {
    super(attachment.machine);
    this.guest = new GuestDebugger(attachment.machine.debugger, attachment);
  }

  override get name(): string {
    return `QEMU guest (${this.devices().length} functions on bus 0)`;
  }

  override get debugger(): TargetDebugger {
    return this.guest;
  }

  /** An MSI-X function's table and PBA as QEMU answered the last live read; the model's until the first. */
  override vectors(bdf: number): Outcome<VectorState> {
    const model = super.vectors(bdf);
    const live = this.attachment.live.get(bdf);
    if (!model.ok || live === null || model.value.kind === 'msi' || live.table.length !== model.value.table.length) return model;
    return done(withLive(model.value, live));
  }

  override onDeviceChanged(listener: (bdf: number) => void): () => void {
    return this.attachment.onDeviceChanged(listener);
  }

  override readConfig(): Outcome<number> {
    return no('a config access from the app (send qtest lines from the Script view: outl 0xcf8 …, inl 0xcfc)');
  }

  override writeConfig(): Outcome<number> {
    return no('a config write from the register view (send qtest lines from the Script view: outl 0xcf8 …, outl 0xcfc …)');
  }

  override readMemory(): Outcome<AccessResult> {
    return no('an MMIO access from the poke view (send a qtest line from the Script view: readl ADDR)');
  }

  override writeMemory(): Outcome<AccessResult> {
    return no('an MMIO write from the poke view or the vector grid (send a qtest line from the Script view: writel ADDR VALUE)');
  }

  override readPort(): Outcome<AccessResult> {
    return no('a port access from the poke view (send a qtest line from the Script view: inb PORT)');
  }

  override writePort(): Outcome<AccessResult> {
    return no('a port write from the poke view (send a qtest line from the Script view: outb PORT VALUE)');
  }

  override setpci(): Outcome<SetpciReply> {
    return no('setpci');
  }

  override configAccessor(): ConfigAccessor {
    const refused = (): never => {
      throw new Error(no('setpci').error);
    };
    return { readConfig: refused, writeConfig: refused, listBdfs: () => this.devices().map((d) => d.bdf), writeMasks: refused };
  }

  override act(action: Exclude<DeferredAction, { kind: 'advance' }>): Outcome<ActionDone> {
    return no(action.kind === 'raise' ? 'firing a vector (the guest’s device raises its own interrupts)' : `msix ${action.kind} from the app`);
  }

  override startSource(): Outcome<SourceInfo> {
    return no('an interval source');
  }

  override stopSource(): Outcome<boolean> {
    return no('an interval source');
  }

  override reset(): Outcome<null> {
    return no('a reset from the app');
  }

  /** QEMU's clock runs by itself: the model's moves with the traced accesses. */
  override run(): boolean {
    return true;
  }

  /** A qtest line (or continue, step, stop, status, break SPEC) to QEMU; its reply comes when QEMU answers. */
  poke(line: string): Promise<string | null> {
    return this.attachment.command(line);
  }

  qtest(): QtestEndpoint {
    const refused = (): string => `FAIL ${no('a qtest session of its own (send qtest lines from the Script view)').error}`;
    return { execute: refused, begin: refused, dispose: () => undefined };
  }

  override close(): void {
    this.attachment.kill();
    this.attachment.close();
  }
}
