// The script view: the example bring-up, run from the app, does what `irqscope qtest` does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startHarness, type Harness } from './harness';
import { machineOf } from '../target-machine';

let h: Harness;
const byId = (id: string) => h.page.getByTestId(id);

beforeAll(async () => {
  h = await startHarness({ source: 'preset', preset: 'virtio-net' });
});

afterAll(async () => {
  await h?.close();
});

describe('bring-up scripts in the app', () => {
  it('runs the example script: vector 0 pends while masked and is delivered on unmask', async () => {
    await byId('tab-script').click();
    await byId('script-run').click();
    const replies = h.page.locator('[data-testid="script-transcript"] li .reply');
    await expect.poll(() => replies.count()).toBe(11);
    const texts = await replies.allTextContents();
    expect(texts.filter((t) => t.startsWith('FAIL'))).toEqual([]);
    // The PBA read while masked, then after the unmask.
    expect(texts[8]).toBe('OK 0x0000000000000001');
    expect(texts[10]).toBe('OK 0x0000000000000000');
    expect(machineOf(h.app.session).apic.total(1, 0x41)).toBe(1);
    await byId('script-prompt').fill('interrupts');
    await byId('script-prompt').press('Enter');
    await expect.poll(() => replies.last().textContent()).toBe('OK CPU1 0x41=1');
    await screenshot(h.page, 'script-console');
  });
});
