// The run's own checkpoints (machine/checkpoint-trail.ts): taken only when due, none
// older than the oldest retained event, forgotten when the log is replaced; and the
// history answers from them even where the log's start was overwritten.
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../doctor/preset';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { StateHistory } from '../../src-main/history/state-history';

const UP = ['outl 0xcf8 0x80001814', 'outl 0xcfc 0xfebd0000', 'outl 0xcf8 0x80001804', 'outw 0xcfc 0x0006', 'outl 0xcf8 0x80001884', 'outl 0xcfc 0x80000011'];

/** The virtio-net preset with a log of 4096 events, a checkpoint due every `every`, brought up. */
function upRun(every: number) {
  const run = loadPreset('virtio-net', true);
  run.checkpoints.every = every;
  const q = new QtestSession(run);
  for (const l of UP) q.execute(l);
  return { run, q };
}

describe('the run\'s checkpoint trail', () => {
  it('takes one only once `every` more events were logged, whatever the number of offers', () => {
    const { run, q } = upRun(100);
    for (let k = 0; k < 1000; k++) q.execute(`writel 0xfebd000c 0x${(k & 1).toString(16)}`);
    for (let k = 0; k < 50; k++) run.checkpoints.offer();
    const seqs = run.checkpoints.list().map((cp) => cp.seq);
    expect(seqs.length).toBeGreaterThan(5);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! - seqs[i - 1]!).toBeGreaterThanOrEqual(100);
  });

  it('keeps none older than the oldest retained event, and forgets them all when the log is cleared', () => {
    const { run, q } = upRun(256);
    for (let k = 0; k < 6000; k++) q.execute(`writel 0xfebd000c 0x${(k & 1).toString(16)}`);
    expect(run.log.firstSeq).toBeGreaterThan(0);
    const kept = run.checkpoints.list();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept[0]!.seq).toBeGreaterThanOrEqual(run.log.firstSeq);
    run.log.clear();
    expect(run.checkpoints.list()).toEqual([]);
  });

  it('lets the history rebuild events whose log start was overwritten, exactly as the run stands', () => {
    const { run, q } = upRun(256);
    for (let k = 0; k < 6000; k++) q.execute(k % 3 === 0 ? `writel 0xfebd000c 0x${(k & 1).toString(16)}` : 'device_irq 00:03.0 0');
    expect(run.log.firstSeq).toBeGreaterThan(0);
    const history = new StateHistory(run);
    const at = history.at(run.log.total - 1);
    expect(at.ok ? null : at.error).toBeNull();
    expect(history.replayed).toBeLessThanOrEqual(256 + 8);
    const fn = run.fn(0x18)!;
    const rebuilt = at.ok ? at.machine.fn(0x18)! : null;
    expect(Array.from(rebuilt!.config.bytes)).toEqual(Array.from(fn.config.bytes));
    expect(Array.from(rebuilt!.msix!.table)).toEqual(Array.from(fn.msix!.table));
    expect(Array.from(rebuilt!.msix!.pba)).toEqual(Array.from(fn.msix!.pba));
    expect(Array.from(rebuilt!.msix!.delivered)).toEqual(Array.from(fn.msix!.delivered));
    // Before the oldest checkpoint the log no longer holds what a replay would need.
    expect(history.at(run.log.firstSeq)).toMatchObject({ ok: false, error: expect.stringContaining('overwritten') });
  });
});
