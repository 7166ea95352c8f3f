// `irqscope <command> …`: the command table. Each command lives in its own module.
import { UsageError, type CliCommand, type CliIo } from './cli-io';
import { qtestCommand } from './qtest-command';

const COMMANDS: Record<string, { run: CliCommand; summary: string }> = {
  qtest: { run: qtestCommand, summary: 'drive a machine with QEMU qtest commands (stdin, a file, or --socket PATH)' },
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
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`irqscope ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
