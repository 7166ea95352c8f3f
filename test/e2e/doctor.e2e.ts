// The doctor, the why column and the state at an event, in Chromium: a bring-up with
// mistakes in it, its findings in the Problems panel, each vector's why, and the whole
// app showing the machine right after an earlier event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startHarness, type Harness } from './harness';
import { UP } from '../doctor/rule-scripts';

let h: Harness;
const byId = (id: string) => h.page.getByTestId(id);
const text = async (id: string): Promise<string> => ((await byId(id).textContent()) ?? '').trim();

beforeAll(async () => {
  h = await startHarness({ source: 'preset', preset: 'virtio-net' });
  const run = (line: string): void => {
    const r = h.app.dispatch('qtest', { line });
    if (!r.ok || r.value.reply?.startsWith('FAIL')) throw new Error(`${line}: ${JSON.stringify(r)}`);
  };
  for (const line of UP) run(line);
  for (const line of ['device_irq 00:03.0 0', 'writel 0xfebd000c 0x0', 'device_irq 00:03.0 0', 'writel 0xfebd0800 0x1', 'device_irq 00:03.0 1', 'device_irq 00:03.0 1']) run(line);
  for (const line of ['outl 0xcf8 0x80001804', 'outw 0xcfc 0x0002', 'device_irq 00:03.0 0']) run(line);
});

afterAll(async () => {
  await h?.close();
});

describe('the doctor in the app', () => {
  it('counts findings in the status bar and lists them in the Problems panel', async () => {
    await expect.poll(() => text('status-problems')).toBe('problems 1 ● 2 ▲');
    await byId('status-problems').click();
    await byId('problem-DR-BUS-MASTER-OFF').waitFor();
    expect(await byId('problem-DR-NEVER-UNMASKED').textContent()).toContain('vector 1 was notified');
    expect(await byId('problem-DR-PBA-WRITE').textContent()).toContain('the PBA is read-only');
    await byId('tab-vectors').click();
    await byId('vector-0-why').waitFor();
    await screenshot(h.page, 'problems-panel');
  });

  it('says why each vector is as it is', async () => {
    await expect.poll(() => text('vector-0-why')).toBe('dropped: bus master disabled');
    expect(await byId('vector-1-why').textContent()).toMatch(/^masked \(vector bit\), 2 notifies pending$/);
    expect(await byId('vector-1-why').getAttribute('title')).toMatch(/— event #\d+$/);
    expect(await byId('vectors-totals').textContent()).toContain('dropped 1');
    await screenshot(h.page, 'why-column');
  });

  it('shows the whole machine as it was right after an earlier event, and goes back to live', async () => {
    // DR-NEVER-UNMASKED names vector 1's first pended notify.
    await byId('problem-DR-NEVER-UNMASKED').locator('button').first().click();
    await byId('viewing-banner').waitFor();
    await byId('tab-vectors').click();
    // Vector 1 right after its first pended notify: one notify pending, nothing dropped yet.
    await expect.poll(() => text('vector-1-why')).toBe('masked (vector bit), 1 notify pending');
    await expect.poll(() => text('vectors-totals')).toContain('dropped 0');
    expect(await text('vector-0-why')).toBe('delivered to CPU1 vector 0x41 ×2');
    expect(await byId('viewing-banner').textContent()).toMatch(/viewing #\d+/);
    await screenshot(h.page, 'viewing-banner');
    const at = Number(/viewing #(\d+)/.exec(await text('viewing-banner'))![1]);
    await h.page.keyboard.press('Shift+F10');
    await expect.poll(() => text('viewing-banner')).toContain(`viewing #${at - 1}`);
    // Right before that notify, vector 1 had nothing pending.
    await expect.poll(() => text('vector-1-why')).toBe('masked (vector bit)');
    await byId('viewing-live').click();
    await expect.poll(() => byId('viewing-banner').count()).toBe(0);
    await expect.poll(() => text('vector-0-why')).toBe('dropped: bus master disabled');
  });
});
