// `irqscope qemu-compat QEMU-OPTIONS…` (also `bin/irqscope-qemu.mjs`, usable as
// QTEST_QEMU_BINARY): a drop-in for qemu-system-x86_64 under a qtest harness. It takes
// the command line libqtest or QEMU's Python QEMUQtestMachine passes, builds the machine
// from the presets named by -device, connects to the harness's qtest socket (and QMP
// socket, if any) as QEMU does, and serves both until `quit`, SIGTERM, or the harness
// closing the qtest connection. A qtest line still running then (a long clock_step) is
// stopped at its next slice and answered first.
import { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { CliCommand } from './cli-io';
import { UsageError } from './cli-io';
import { readMachineSpec } from './machine-option';
import { parseQemuCommandLine, type Peer } from './qemu-command-line';
import { connectSocket } from './qtest-sockets';
import { QmpMonitor } from './qmp-monitor';
import { openMachineObject } from '../target/simulated/open-simulated';
import { pumpLines } from '../qtest/line-pump';
import { qtestTerminal } from './qtest-terminal';
import type { MachineDescriptionInput } from '../../src-shared/machine-file/description';

function open(peer: Peer): Promise<Socket> {
  return peer.kind === 'unix' ? connectSocket(peer.path) : Promise.resolve(new Socket({ fd: peer.fd, readable: true, writable: true }));
}

export const qemuCompatCommand: CliCommand = async (args, io) => {
  const line = parseQemuCommandLine(args, (name) => JSON.parse(readMachineSpec(name, io.cwd).text) as MachineDescriptionInput);
  const built = openMachineObject(line.machine);
  if (!built.ok) throw new UsageError(`the machine for this command line is invalid:\n  ${built.errors.join('\n  ')}`);
  const target = built.target;
  const session = target.qtest({ replyToEveryLine: true });
  const qtest = await open(line.qtest);
  const qmp = line.qmp === null ? null : await open(line.qmp);
  const terminal = qtestTerminal(io.stderr, 'irqscope-qemu');
  // QMP's quit stops the qtest pump as a signal does: a line still running is answered first.
  const quit = new AbortController();
  const signal = AbortSignal.any([terminal.pump.signal, quit.signal]);
  return new Promise<number>((done) => {
    const finish = (): void => {
      terminal.dispose();
      qmp?.end();
      qtest.end();
      done(0);
    };
    if (qmp !== null) {
      const monitor = new QmpMonitor(target, line.startPaused, (text) => qmp.write(text), () => quit.abort('QMP quit'));
      monitor.greet();
      createInterface({ input: qmp, crlfDelay: Infinity }).on('line', (l) => monitor.handle(l));
      qmp.on('error', () => undefined);
    }
    qtest.on('error', () => undefined);
    void pumpLines(session, qtest, qtest, { ...terminal.pump, signal }).then(finish, finish);
  });
};
