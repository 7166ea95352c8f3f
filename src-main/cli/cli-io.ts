// What a CLI command gets from the process, so commands can be tested without one.
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  cwd: string;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

export class UsageError extends Error {}

/** Splits `--flag value` / `--flag=value` options from positional arguments. */
export function parseOptions(
  args: string[],
  spec: Record<string, 'value' | 'flag'>,
): { options: Map<string, string | true>; positional: string[] } {
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown option ${name}`);
    if (kind === 'flag') {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      options.set(name, true);
    } else {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      options.set(name, value);
    }
  }
  return { options, positional };
}

/** An option that may be given more than once (`--break A --break B`; parseOptions keeps one value per option): its values, and the other arguments. */
export function repeatedOption(name: string, args: readonly string[]): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === name) {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      values.push(value);
    } else if (arg.startsWith(`${name}=`)) values.push(arg.slice(name.length + 1));
    else rest.push(arg);
  }
  return { values, rest };
}
