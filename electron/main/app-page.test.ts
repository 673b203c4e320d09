import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appPage } from './app-page';
import { contentSecurityPolicy } from './csp';

// Only the Electron-free parts of electron/main are tested: the Electron binary cannot run on CI.

describe('appPage', () => {
  it('loads the built page from app://, trusting its index.html with any hash or query only', () => {
    const page = appPage(undefined);
    // Not file://: a file page shares its origin with every local file (app-protocol.ts).
    expect(page.url).toBe('app://workbench/index.html');
    expect(page.isDevServer).toBe(false);
    expect(page.isOwn('app://workbench/index.html#events')).toBe(true);
    expect(page.isOwn('app://workbench/index.html?x=1')).toBe(true);
    expect(page.isOwn('app://workbench/assets/other.html')).toBe(false);
    expect(page.isOwn('app://workbench.evil/index.html')).toBe(false);
    expect(page.isOwn('app://other/index.html')).toBe(false);
    expect(page.isOwn(pathToFileURL('/opt/workbench/out/renderer/index.html').href)).toBe(false);
    expect(page.isOwn('https://example.com/')).toBe(false);
    expect(page.isOwn('not a url')).toBe(false);
  });

  it('trusts the dev server by origin only', () => {
    const page = appPage('http://localhost:5173/');
    expect(page.isDevServer).toBe(true);
    expect(page.isOwn('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(page.isOwn('http://localhost:5174/')).toBe(false);
    expect(page.isOwn('http://localhost.evil.com:5173/')).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows no inline or remote script outside development', () => {
    const policy = contentSecurityPolicy();
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toMatch(/unsafe-eval|https?:/);
    expect(contentSecurityPolicy({ meta: true })).not.toContain('frame-ancestors');
    expect(contentSecurityPolicy({ dev: true })).toContain("script-src 'self' 'unsafe-inline'");
  });
});
