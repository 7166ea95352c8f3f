// Domains as real lspci prints them: a machine of two PCI domains (imported from
// tree-two-domains.txt, test/fixtures/lspci/SOURCE.md) and a single-domain preset,
// printed by `irqscope lspci` and by Debian's `lspci -F` on irqscope's own -xxxx
// dump, with the same selection: every address gets its domain once a listed
// function is outside domain 0000, -s without a domain matches every domain, -D
// forces domains. The outputs must be identical.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/cli-harness';
import { readFixture } from '../pci-text/fixtures';
import { LSPCI, hasLspci } from './lspci-oracle';

async function twoDomainMachine(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'irqscope-domains-'));
  writeFileSync(join(dir, 'dump.txt'), readFixture('tree-two-domains.txt'));
  const imported = await runCli(['import', 'dump.txt', '-o', 'm.json'], '', dir);
  if (imported.code !== 0) throw new Error(imported.stderr);
  return join(dir, 'm.json');
}

async function both(machine: string, args: string[]): Promise<[string, string]> {
  const dump = await runCli(['lspci', '--machine', machine, '-xxxx'], '', process.cwd());
  const file = join(mkdtempSync(join(tmpdir(), 'irqscope-domains-')), 'dump.txt');
  writeFileSync(file, dump.stdout);
  const real = spawnSync(LSPCI, ['-F', file, ...args], { encoding: 'utf8' });
  const ours = await runCli(['lspci', '--machine', machine, ...args], '', process.cwd());
  return [real.stdout, ours.stdout];
}

describe.skipIf(!hasLspci && process.env.IRQSCOPE_REQUIRE_LSPCI === undefined)('PCI domains in lspci output, against real lspci -F', () => {
  it.each([[[]], [['-s', '00:00.0']], [['-s', '00:03.0']], [['-s', '0001:00:00.0']], [['-s', '0001:0c:00.0', '-vvv']], [['-D']]])('two domains, lspci %j', { timeout: 60_000 }, async (args) => {
    const [real, ours] = await both(await twoDomainMachine(), args);
    expect(real).not.toBe('');
    expect(ours).toBe(real);
  });

  it.each([[[]], [['-D']], [['-D', '-s', '00:03.0']]])('one domain (preset virtio-net), lspci %j', { timeout: 60_000 }, async (args) => {
    const [real, ours] = await both('virtio-net', args);
    expect(ours).toBe(real);
  });

  it('the two-domain import prints its own dump back byte for byte, domains included', { timeout: 60_000 }, async () => {
    const machine = await twoDomainMachine();
    const dump = await runCli(['lspci', '--machine', machine, '-xxxx'], '', process.cwd());
    // Each function's address, then its hex rows.
    const rows = (text: string) => text.split('\n').flatMap((l) => (/^[0-9a-f]{4}:[0-9a-f]{2}:/.test(l) ? [l.split(' ')[0]!] : /^[0-9a-f]{2,3}: /.test(l) ? [l] : []));
    const ours = rows(dump.stdout);
    expect(ours).toEqual(rows(readFixture('tree-two-domains.txt')));
    expect(ours.filter((l) => /^0001:/.test(l))).toHaveLength(7);
  });
});
