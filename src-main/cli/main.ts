// `irqscope <command> …`: the command table. Each command lives in its own module, loaded only
// when it runs, so a command starts without paying for the others (the web host, exports, …).
import { UsageError, type CliCommand, type CliIo } from './cli-io';

const COMMANDS: Record<string, { load: () => Promise<CliCommand>; summary: string }> = {
  qtest: { load: async () => (await import('./qtest-command')).qtestCommand, summary: 'drive a machine with QEMU qtest commands (stdin, a file, or --socket PATH)' },
  web: { load: async () => (await import('./web-command')).webCommand, summary: 'serve the app to a browser on 127.0.0.1 (--machine FILE, --port N)' },
  lspci: { load: async () => (await import('./lspci-command')).lspciCommand, summary: "list a machine's devices as lspci does (-v/-vv/-vvv, -x/-xxx/-xxxx, -s BDF)" },
  setpci: { load: async () => (await import('./setpci-command')).setpciCommand, summary: "read and write config registers with setpci's syntax" },
  import: { load: async () => (await import('./import-command')).importCommand, summary: 'turn lspci -xxx dumps or sysfs config files into a machine file' },
  session: { load: async () => (await import('./session-command')).sessionCommand, summary: 'save, open or describe a session file (machine, state, timeline, breakpoints)' },
  export: { load: async () => (await import('./export-command')).exportCommand, summary: 'export a timeline as VCD, Perfetto trace JSON or CSV' },
  diff: { load: async () => (await import('./diff-command')).diffCommand, summary: 'align two runs (sessions or --events files): first divergence and a summary' },
  doctor: { load: async () => (await import('./doctor-command')).doctorCommand, summary: 'lint a run (session, machine + script, or --events file) for bring-up mistakes' },
};

export async function main(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    const list = Object.entries(COMMANDS)
      .map(([n, c]) => `  ${n.padEnd(8)} ${c.summary}`)
      .join('\n');
    io.stderr.write(`${name === undefined || name === '--help' ? '' : `irqscope: unknown command '${name}'\n`}usage: irqscope <command> [options]\n${list}\n`);
    return name === '--help' ? 0 : 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`irqscope ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
