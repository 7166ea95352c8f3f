// The rule IDs that test names and comments cite must resolve inside the repository: every ID
// a test title starts with, or a source comment names, is stated in a docs/ rules page, and
// every test file a page lists really names that rule — so the pages cannot drift from the
// tests or the code.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : filesUnder(path, suffix);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

interface StatedRule { id: string; page: string; tests: string[] }

/** `- **ID** text` followed by `  Tests: \`file\`, …` on the next line. */
function statedRules(): StatedRule[] {
  return filesUnder(join(ROOT, 'docs'), '.md').flatMap((page) => {
    const lines = readFileSync(page, 'utf8').split('\n');
    return lines.flatMap((line, i) => {
      const head = /^- \*\*([A-Z][A-Z0-9-]*)\*\* /.exec(line);
      if (!head) return [];
      const testsLine = lines[i + 1] ?? '';
      const tests = /^\s+Tests: /.test(testsLine) ? [...testsLine.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) : [];
      return [{ id: head[1]!, page: relative(ROOT, page), tests }];
    });
  });
}

/** IDs at the start of test titles: it('T3/U2: …'), it("N3: …"). */
function citedIds(): Map<string, string> {
  const cited = new Map<string, string>();
  for (const file of filesUnder(join(ROOT, 'test'), '.ts')) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:it|test|describe)(?:\.each\([^)]*\))?\(\s*['"`]([A-Z]{1,2}\d+(?:\/[A-Z]{1,2}\d+)*):/g)) {
      for (const id of m[1]!.split('/')) cited.set(id, relative(ROOT, file));
    }
  }
  return cited;
}

const rules = statedRules();

/**
 * IDs that comments in the sources cite: a word made of a rule family's letters and a
 * number (`V1`, `MI2`), and each ID of a range (`MI1-MI3`). Only the families the docs
 * state count, so `L1` (a PCIe link state) or `F8` (a key) are not taken for rules.
 */
function commentIds(): Map<string, string> {
  const families = new Set(rules.map((r) => /^([A-Z]+)\d+$/.exec(r.id)?.[1]).filter((f): f is string => f !== undefined));
  const word = new RegExp(`(?<![A-Za-z0-9_.-])(${[...families].join('|')})(\\d+)(?:[-–](?:\\1)?(\\d+))?(?![A-Za-z0-9_])`, 'g');
  const cited = new Map<string, string>();
  // Words of a rule family's shape that name something else.
  const NOT_RULES = new Set(['F5', 'F8', 'F10', 'V8']); // keys (continue, pause, step over) and the JavaScript engine
  for (const dir of ['src-main', 'src-shared', 'src-renderer']) {
    for (const file of [...filesUnder(join(ROOT, dir), '.ts'), ...filesUnder(join(ROOT, dir), '.vue')]) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const comment = /(?:^\s*(?:\/\/|\*|\/\*\*?)|\s\/\/)\s?(.*)$/.exec(line);
        if (comment === null) continue;
        for (const m of comment[1]!.matchAll(word)) {
          const from = Number(m[2]);
          const to = m[3] === undefined ? from : Number(m[3]);
          for (let n = from; n <= Math.min(to, from + 20); n++) if (!NOT_RULES.has(`${m[1]}${n}`)) cited.set(`${m[1]}${n}`, relative(ROOT, file));
        }
      }
    }
  }
  return cited;
}

describe('rule IDs resolve inside the repository', () => {
  it('the docs state rules, each once', () => {
    expect(rules.length).toBeGreaterThan(40);
    const seen = new Set<string>();
    for (const rule of rules) {
      expect(seen.has(rule.id), `${rule.id} is stated twice (${rule.page})`).toBe(false);
      seen.add(rule.id);
    }
  });

  it('every rule ID a test title cites is stated in docs/', () => {
    const stated = new Set(rules.map((r) => r.id));
    const missing = [...citedIds()].filter(([id]) => !stated.has(id)).map(([id, file]) => `${id} (cited in ${file})`);
    expect(missing).toEqual([]);
  });

  it('every rule ID a source comment cites is stated in docs/', () => {
    const stated = new Set(rules.map((r) => r.id));
    const cited = commentIds();
    expect(cited.size).toBeGreaterThan(20);
    const missing = [...cited].filter(([id]) => !stated.has(id)).map(([id, file]) => `${id} (cited in ${file})`);
    expect(missing).toEqual([]);
  });

  it('every test file a rule lists exists and names that rule', () => {
    const wrong: string[] = [];
    for (const rule of rules) {
      if (rule.tests.length === 0) wrong.push(`${rule.id}: no test files listed`);
      for (const test of rule.tests) {
        const path = join(ROOT, test);
        if (!existsSync(path)) wrong.push(`${rule.id}: ${test} does not exist`);
        else if (!new RegExp(`(?<![A-Za-z0-9_-])${rule.id}(?![A-Za-z0-9_-])`).test(readFileSync(path, 'utf8'))) wrong.push(`${rule.id}: ${test} never names it`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
