import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { setup, type FakeTransport } from './fake-transport';
import { toneOf, useScriptStore } from '../../src-renderer/stores/script';
import ScriptConsole from '../../src-renderer/components/ScriptConsole.vue';

let transport: FakeTransport;
let pinia: Pinia;

/** A qtest that answers readl with a counter, FAILs on 'bad' and announces a BREAK on 'unmask'. */
function scriptQtest(): string[] {
  const sent: string[] = [];
  transport.on('qtest', ({ line }) => {
    sent.push(line);
    if (line.startsWith('bad')) return { reply: "FAIL Unknown command 'bad'" };
    if (line === 'unmask') return { reply: 'BREAK bp=1 seq=3 t=0 kind=VectorUnmasked\nOK' };
    return { reply: line.startsWith('read') ? `OK 0x${sent.length.toString(16).padStart(16, '0')}` : 'OK' };
  });
  return sent;
}

beforeEach(() => {
  ({ transport, pinia } = setup());
});

describe('script store', () => {
  it('runs every line that says something, in order, skipping comments and blanks', async () => {
    const sent = scriptQtest();
    const script = useScriptStore();
    script.edited('# setup\nwritel 0x0 0x1\n\nreadl 0x0\n');
    await script.run();
    expect(sent).toEqual(['writel 0x0 0x1', 'readl 0x0']);
    expect(script.transcript.map((e) => [e.lineNo, e.reply])).toEqual([
      [2, 'OK'],
      [4, 'OK 0x0000000000000002'],
    ]);
    expect(script.cursor).toBe(0);
  });

  it('stops at the first FAIL and resumes from the next line', async () => {
    const sent = scriptQtest();
    const script = useScriptStore();
    script.edited('writel 0x0 0x1\nbad line\nreadl 0x0');
    await script.run();
    expect(sent).toEqual(['writel 0x0 0x1', 'bad line']);
    expect(script.transcript.at(-1)!.tone).toBe('fail');
    await script.run();
    expect(sent.at(-1)).toBe('readl 0x0');
  });

  it('steps one line at a time and wraps at the end', async () => {
    const sent = scriptQtest();
    const script = useScriptStore();
    script.edited('writel 0x0 0x1\n# note\nreadl 0x0');
    expect(await script.step()).toBe(true);
    expect(await script.step()).toBe(true);
    expect(sent).toEqual(['writel 0x0 0x1', 'readl 0x0']);
    expect(await script.step()).toBe(false);
    expect(script.cursor).toBe(0);
  });

  it('tells OK, FAIL and BREAK replies apart', () => {
    expect(toneOf('OK 0x1')).toBe('ok');
    expect(toneOf('FAIL nope')).toBe('fail');
    expect(toneOf('BREAK bp=1 …\nOK')).toBe('break');
    expect(toneOf('')).toBe('none');
  });
});

describe('ScriptConsole', () => {
  it('runs the script from the Run button and shows each reply with its line', async () => {
    scriptQtest();
    const view = mount(ScriptConsole, { global: { plugins: [pinia] } });
    await view.get('[data-testid="script-text"]').setValue('readl 0x10\nbad\n');
    await view.get('[data-testid="script-run"]').trigger('click');
    await flushPromises();
    const rows = view.findAll('[data-testid="script-transcript"] li');
    expect(rows.map((r) => r.classes())).toEqual([expect.arrayContaining(['ok']), expect.arrayContaining(['fail'])]);
    expect(rows[1]!.text()).toContain("FAIL Unknown command 'bad'");
  });

  it('runs a line typed at the prompt, and Up recalls it', async () => {
    const sent = scriptQtest();
    const view = mount(ScriptConsole, { global: { plugins: [pinia] } });
    const input = view.get('[data-testid="script-prompt"]');
    await input.setValue('unmask');
    await view.get('form').trigger('submit');
    await flushPromises();
    expect(sent).toEqual(['unmask']);
    expect(view.get('[data-testid="script-transcript"] li').classes()).toContain('break');
    await input.trigger('keydown', { key: 'ArrowUp' });
    expect((input.element as HTMLInputElement).value).toBe('unmask');
  });
});
