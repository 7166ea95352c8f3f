// The real lspci dumps under test/fixtures/lspci (see SOURCE.md there), read and
// cut into per-device blocks independently of the parser under test.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../fixtures/lspci/', import.meta.url));

export const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();

export function readFixture(name: string): string {
  return readFileSync(`${DIR}${name}`, 'utf8');
}

/** Each device's lines, from its device line up to (not including) the next one. */
export function fixtureBlocks(text: string): string[][] {
  const blocks: string[][] = [];
  for (const line of text.split('\n')) {
    if (/^(?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] /.test(line)) blocks.push([]);
    blocks.at(-1)?.push(line);
  }
  return blocks;
}

export function hexRows(lines: readonly string[]): string[] {
  return lines.filter((l) => /^[0-9a-f]{2,3}: /.test(l));
}

/**
 * pciutils 3.9 prints the upper half of a 64-bit BAR again as a region of its
 * own when it is non-zero (`Region 3: Memory at <unassigned> (low-1M, …)`); the
 * older lspci that wrote the fixtures did not. Those lines are left out when
 * irqscope's output is compared with the fixtures' text.
 */
export function withoutUpperHalfRegions(lines: readonly string[]): string[] {
  return lines.filter((line, i) => {
    const m = /^\tRegion (\d+): /.exec(line);
    if (!m) return true;
    const previous = `\tRegion ${Number(m[1]) - 1}: `;
    return !lines.slice(0, i).some((l) => l.startsWith(previous) && l.includes('(64-bit,'));
  });
}
