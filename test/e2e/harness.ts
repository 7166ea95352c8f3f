// End-to-end harness: the web host in this process on a free port, and Debian's
// Chromium driven by playwright-core against it.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAppHost, type AppHost, type AppHostOptions, type InitialMachine } from '../../src-main/host/app-host';
import { folderPresets } from '../../src-main/host/presets';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { CHROMIUM_FLAGS, CHROMIUM_PATH as CHROMIUM } from '../../bench/chromium';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIR = join(ROOT, 'out/renderer');
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');

export interface Harness {
  app: AppHost;
  web: WebHost;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function startHarness(
  initial: InitialMachine = { source: 'preset', preset: 'virtio-net' },
  viewport = { width: 1440, height: 900 },
  host: Pick<AppHostOptions, 'attach'> = {},
): Promise<Harness> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error(`${RENDERER_DIR}/index.html is missing: run \`npx electron-vite build\` first`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const created = createAppHost({ presets: folderPresets(join(ROOT, 'machines')), initial, ...host });
  if (!created.ok) throw new Error(created.error);
  const app = created.host;
  const web = await startWebHost({ session: app.session, dispatch: app.dispatch, rendererDir: RENDERER_DIR, port: 0 });
  app.runner.start();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  await page.goto(web.url);
  await page.getByTestId('status-connection').filter({ hasText: 'open' }).waitFor();
  return {
    app,
    web,
    browser,
    page,
    close: async () => {
      await browser.close();
      app.runner.stop();
      app.session.target.close();
      await web.close();
      if (problems.length > 0) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
