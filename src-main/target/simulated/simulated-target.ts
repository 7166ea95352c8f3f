// The simulated machine as a Target: MachineTarget's operations, and qtest straight
// into the machine (QtestSession), with QEMU's own commands as guest accesses.
import { QtestSession } from '../../qtest/qtest-session';
import type { QtestEndpoint, QtestEndpointOptions, Target } from '../target';
import { MachineTarget } from './machine-target';

export class SimulatedTarget extends MachineTarget implements Target {
  qtest(options: QtestEndpointOptions): QtestEndpoint {
    return new QtestSession(this.machine, options);
  }
}
