// Cold start of `irqscope qtest` on a one-line script, against `node -e 0` in the same run:
// the CLI is built JavaScript, so it should cost little more than Node's own start.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/irqscope.mjs', import.meta.url));

function medianWallMs(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function measureCliStart(runs = 11): { cliMs: number; nodeMs: number; ratio: number; reply: string } {
  const dir = mkdtempSync(join(tmpdir(), 'irqscope-cli-start-'));
  try {
    const script = join(dir, 'one.qtest');
    writeFileSync(script, 'readl 0x0\n');
    const args = [BIN, 'qtest', '--machine', 'e1000e', script];
    // The first run may rebuild a stale bundle; it is not a cold start of the CLI.
    const reply = spawnSync(process.execPath, args).stdout.toString().trim();
    const nodeMs = medianWallMs(['-e', '0'], runs);
    const cliMs = medianWallMs(args, runs);
    return { cliMs, nodeMs, ratio: cliMs / nodeMs, reply };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
