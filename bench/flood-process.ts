// One live flood in a host process of its own (bench/live-flood.ts), its figures as a
// JSON line on stdout: each rate is measured as a user starting `irqscope web` with that
// flood gets it, not after another flood's minute of history in the same process.
import { spawn } from 'node:child_process';
import { liveFlood, type FloodResult } from './live-flood';

/** Runs liveFlood(rate) in a fresh process (the same node and loader flags as this one). */
export function liveFloodAlone(rate: number): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, String(rate)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as FloodResult);
      else reject(new Error(`the ${rate}/s flood's process exited ${code}: ${out.slice(-2000)}`));
    });
  });
}

if (require.main === module) {
  liveFlood(Number(process.argv[2])).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err: Error) => {
      process.stderr.write(`${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
