// Fuzzing what comes from outside, bounded in time: contract payloads, session files
// with their checksum recomputed, machine files and lspci dumps. Nothing may throw;
// every refusal is a clear error and changes nothing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hostWith, TWO_DEVICES } from '../host/fixtures';
import { REQUEST_NAMES } from '../../src-shared/ipc/names';
import { decodeContainer, encodeContainer } from '../../src-main/session/session-container';
import { decodeSession, encodeSession } from '../../src-main/session/machine-snapshot';
import { busyMachine } from '../session/busy-machine';
import type { Machine } from '../../src-main/machine/machine';
import { loadMachineObject } from '../../src-main/machine/machine-builder';
import { importDumpFiles, buildImportedMachine } from '../../src-main/pci-tools/import-dumps';
import { fixtureBlocks, readFixture } from '../pci-text/fixtures';
import { nicDescription } from '../machine/guest';
import { machineOf } from '../target-machine';

/** Replaces the value at a random path of a JSON value by `value`. */
function mutate(root: unknown, pick: number[], value: unknown): unknown {
  const copy = structuredClone(root);
  let node: unknown = copy;
  for (let depth = 0; depth < pick.length; depth++) {
    if (typeof node !== 'object' || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[pick[depth]! % keys.length]!;
    const child = (node as Record<string, unknown>)[key];
    if (depth === pick.length - 1 || typeof child !== 'object' || child === null) {
      (node as Record<string, unknown>)[key] = value;
      break;
    }
    node = child;
  }
  return copy;
}

/** What a request could change, cheap enough to take around every one: log, clock, registers, tables, sources, breakpoints. */
function fingerprint(m: Machine): string {
  const regs = m.functions().map((fn) => [Buffer.from(fn.config.bytes).toString('base64'), fn.msix && Buffer.from(fn.msix.table.buffer).toString('base64'), fn.msix && Array.from(fn.msix.useCount)]);
  return JSON.stringify([m.log.total, m.clock.now, regs, m.listSources().map((s) => [s.bdf, s.vector, s.ratePerSecond]), m.debugger.state()]);
}

const WILD = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(2e9, 1e-300, 1e308, -1, 2 ** 53, 2 ** 60, 65535, 99, 1.5, '0x4000000000001', '', null, [], {}),
);

describe('input fuzz', () => {
  it('contract payloads: every reply is a Reply, a refusal names the request and changes nothing', () => {
    const host = hostWith(TWO_DEVICES);
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...REQUEST_NAMES), fc.jsonValue({ maxDepth: 2 })), fc.jsonValue({ maxDepth: 4 }), (name, params) => {
        const before = fingerprint(machineOf(host.session));
        const reply = host.dispatch(name, params);
        expect(typeof reply.ok).toBe('boolean');
        if (!reply.ok) {
          expect(reply.error).toMatch(/^[a-zA-Z]+[.:]/);
          expect(reply.error).not.toMatch(/internal error/);
          expect(fingerprint(machineOf(host.session))).toBe(before);
        }
      }),
      { numRuns: 300, seed: 14 },
    );
  }, 30_000);

  it('session files with a field changed and the checksum recomputed: opened or refused, never thrown', () => {
    const good = encodeSession(busyMachine().machine);
    const { header } = decodeContainer(good);
    const c = decodeContainer(good);
    const sections = new Map(header.sections.map((s) => [s.name, c.section(s.name, s.rawLength)]));
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), WILD, (pick, value) => {
        const { sections: _unused, ...rest } = mutate(header, pick, value) as typeof header;
        const r = decodeSession(encodeContainer(rest, sections));
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 100, seed: 14 },
    );
  }, 30_000);

  it('machine files with a field changed: built or refused with a message, never thrown', () => {
    const base = nicDescription();
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), WILD, (pick, value) => {
        const r = loadMachineObject(mutate(base, pick, value));
        if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300, seed: 14 },
    );
  }, 30_000);

  it('lspci dumps with lines cut, dropped, doubled or garbled: imported or refused, never thrown', () => {
    const block = fixtureBlocks(readFixture('cap-vendor-virtio.txt'))[0]!;
    const edit = fc.tuple(fc.nat(), fc.constantFrom('cut', 'drop', 'double', 'garble'), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 6 }), (edits) => {
        const lines = [...block];
        for (const [at, how, text] of edits) {
          const i = at % lines.length;
          if (how === 'cut') lines[i] = lines[i]!.slice(0, at % (lines[i]!.length + 1));
          else if (how === 'drop') lines.splice(i, 1);
          else if (how === 'double') lines.splice(i, 0, lines[i]!);
          else lines[i] = `${lines[i]!.slice(0, 8)}${text}`;
          if (lines.length === 0) lines.push('');
        }
        const dump = importDumpFiles([{ name: 'fuzz.txt', text: lines.join('\n') }]);
        const built = buildImportedMachine(dump);
        if (!built.ok) expect(built.problem.length).toBeGreaterThan(0);
      }),
      { numRuns: 60, seed: 14 },
    );
  }, 30_000);
});
