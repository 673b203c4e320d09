import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_DEFINITION, APP_URL, serveAppFile } from './app-protocol';

let dir: string;
let renderer: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-app-protocol-'));
  renderer = path.join(dir, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<main>app</main>');
  writeFileSync(path.join(renderer, 'assets', 'index.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'not for the page');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(renderer, 'assets', 'link.txt'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => serveAppFile(renderer, { url, method });

describe('app:// (the desktop page’s own scheme)', () => {
  it('serves the built page and its assets, with the CSP as a header', async () => {
    expect(APP_URL).toBe('app://workbench/index.html');
    const page = await get(APP_URL);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<main>app</main>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const script = await get('app://workbench/assets/index.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await get('app://workbench/')).status).toBe(200);
  });

  it('serves nothing outside the renderer folder, nor for another host or method', async () => {
    for (const url of [
      'app://workbench/../secret.txt',
      'app://workbench/..%2Fsecret.txt',
      'app://workbench/assets/..%2F..%2Fsecret.txt',
      'app://workbench/assets/link.txt',
      'app://workbench/missing.js',
      'app://other/index.html',
      'file:///etc/passwd',
    ]) {
      expect((await get(url)).status, url).toBe(404);
    }
    expect((await get('app://workbench/%E0%A4%A')).status).toBe(400);
    expect((await get(APP_URL, 'POST')).status).toBe(405);
  });

  it('is registered as a secure standard scheme that does not bypass the CSP', () => {
    expect(APP_SCHEME_DEFINITION).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    });
  });
});
