import { describe, expect, it } from 'vitest';
import { runCli } from './cli-harness';

// Each command and the options its --help must name (the options it accepts).
const COMMANDS: Record<string, string[]> = {
  qtest: ['--machine', '--socket', '--once', '--events'],
  web: ['--machine', '--port', 'browser'],
  lspci: ['--machine', '-s', '-vvv', '-xxxx'],
  setpci: ['--machine', '-s', 'CAP_MSIX'],
  import: ['-o', '--bar-size'],
  session: ['save', 'open', 'info', '--script', '--save', '--json'],
  export: ['--format', '--session', '--machine', '--script', '--out', '--axis'],
  diff: ['--events', '--context', '--json'],
  doctor: ['--session', '--machine', '--script', '--events', '--json'],
};

describe('every command answers --help', () => {
  for (const [name, words] of Object.entries(COMMANDS)) {
    it(`irqscope ${name} --help prints its usage on stdout and exits 0`, async () => {
      const r = await runCli([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(new RegExp(`^usage: irqscope ${name} `));
      for (const w of words) expect(r.stdout).toContain(w);
    });
  }

  it('--help among other arguments still answers the usage, and runs nothing', async () => {
    const r = await runCli(['web', '--port', '1', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: irqscope web /);
  });

  it('irqscope --help lists every command on stdout; no command is a usage error', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(help.stdout).toContain(`  ${name} `);
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: irqscope <command>');
  });
});
