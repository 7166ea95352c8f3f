// The simulated machine as a Target: MachineTarget's operations, and qtest straight
// into the machine (QtestSession), with QEMU's own commands as guest accesses.
import { QtestSession } from '../../qtest/qtest-session';
import type { QtestEndpoint, QtestEndpointOptions, Target } from '../target';
import { MachineTarget } from './machine-target';

export class SimulatedTarget extends MachineTarget implements Target {
  /** The app's script console: one conversation, made when first used. */
  private console: QtestEndpoint | null = null;

  qtest(options: QtestEndpointOptions): QtestEndpoint {
    return new QtestSession(this.machine, options);
  }

  poke(line: string): string | null {
    this.console ??= this.qtest({ replyToEveryLine: false });
    return this.console.execute(line);
  }

  /** Stops the console listening to the machine's pauses. */
  override close(): void {
    this.console?.dispose();
    this.console = null;
  }
}
