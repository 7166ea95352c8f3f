import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_URL, serveAppRequest } from '../../src-main/electron/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../src-main/host/content-security-policy';

function renderer(): string {
  const root = mkdtempSync(join(tmpdir(), 'irqscope-protocol-'));
  const dir = join(root, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>irqscope</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'secret');
  return dir;
}

describe('the irqscope-app:// scheme (the renderer without file://)', () => {
  it('serves the built renderer with its type, the CSP and nosniff', async () => {
    const dir = renderer();
    const page = await serveAppRequest(dir, new Request(APP_URL));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>irqscope</title>');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await serveAppRequest(dir, new Request('irqscope-app://app/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('serves nothing outside the renderer folder, and nothing for another host', async () => {
    const dir = renderer();
    for (const url of ['irqscope-app://app/../secret.txt', 'irqscope-app://app/%2e%2e/secret.txt', 'irqscope-app://app/assets/..%2f..%2fsecret.txt', 'irqscope-app://other/index.html', 'irqscope-app://app/missing.js']) {
      expect((await serveAppRequest(dir, new Request(url))).status, url).toBe(404);
    }
    expect((await serveAppRequest(dir, new Request('irqscope-app://app/%E0%A4%A'))).status).toBe(400);
  });
});
