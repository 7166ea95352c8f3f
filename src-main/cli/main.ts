// `irqscope <command> …`: the command table. Each command lives in its own module.
import { UsageError, type CliCommand, type CliIo } from './cli-io';
import { qtestCommand } from './qtest-command';
import { lspciCommand } from './lspci-command';
import { importCommand } from './import-command';
import { setpciCommand } from './setpci-command';
import { sessionCommand } from './session-command';
import { exportCommand } from './export-command';
import { webCommand } from './web-command';
import { qemuCompatCommand } from './qemu-compat-command';

const COMMANDS: Record<string, { run: CliCommand; summary: string }> = {
  qtest: { run: qtestCommand, summary: 'drive a machine with QEMU qtest commands (stdin, a file, or --socket PATH)' },
  'qemu-compat': { run: qemuCompatCommand, summary: 'stand in for qemu-system-x86_64 under a qtest harness (libqtest, QEMUQtestMachine)' },
  web: { run: webCommand, summary: 'serve the app to a browser on 127.0.0.1 (--machine FILE, --port N)' },
  lspci: { run: lspciCommand, summary: "list a machine's devices as lspci does (-v/-vv/-vvv, -x/-xxx/-xxxx, -s BDF)" },
  setpci: { run: setpciCommand, summary: "read and write config registers with setpci's syntax" },
  import: { run: importCommand, summary: 'turn lspci -xxx dumps or sysfs config files into a machine file' },
  session: { run: sessionCommand, summary: 'save, open or describe a session file (machine, state, timeline, breakpoints)' },
  export: { run: exportCommand, summary: 'export a timeline as VCD, Perfetto trace JSON or CSV' },
};

export async function main(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    const list = Object.entries(COMMANDS)
      .map(([n, c]) => `  ${n.padEnd(11)} ${c.summary}`)
      .join('\n');
    io.stderr.write(`${name === undefined || name === '--help' ? '' : `irqscope: unknown command '${name}'\n`}usage: irqscope <command> [options]\n${list}\n`);
    return name === '--help' ? 0 : 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`irqscope ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
