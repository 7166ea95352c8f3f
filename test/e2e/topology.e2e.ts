// The device tree of a q35 machine with root ports and a PCI bridge: every bus
// under the bridge that leads to it, and a device behind two bridges selectable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startHarness, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ source: 'preset', preset: 'q35-bridges' });
});

afterAll(async () => {
  await h?.close();
});

describe('the PCI hierarchy in the device tree', () => {
  it('shows buses under their bridges and selects a function behind two of them', async () => {
    const byId = (id: string) => h.page.getByTestId(id);
    await byId('device-00:00.0').waitFor();
    const nested = h.page.locator('[data-testid="bus-00"] [data-testid="bus-02"] [data-testid="bus-03"] [data-testid="device-03:01.0"]');
    expect(await nested.count()).toBe(1);
    expect(await byId('device-00:1c.1').textContent()).toContain('bridge → 02');
    expect(await byId('device-00:04.0').textContent()).toContain('MSI 1');
    await nested.click();
    await expect.poll(() => h.page.locator('[data-testid="device-03:01.0"][aria-selected="true"]').count()).toBe(1);
    await screenshot(h.page, 'device-tree-bridges');
  });
});
