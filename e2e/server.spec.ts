import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';

/** A raw POST to the contract, without the fixture's token handling. */
function post(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{"request":{}}',
  });
}

test.describe('browser mode’s boundary: token, origin, CSP', () => {
  test('calls without the token, or with a wrong one, are refused', async ({ workbench }) => {
    const info = `${workbench.baseUrl}/api/call/workspace.info`;
    const refused = [
      await post(info),
      await post(info, { authorization: 'Bearer not-the-token' }),
      await post(`${info}?token=not-the-token`),
      // Same length as the real one: the comparison is of the whole token, not a prefix.
      await post(info, { authorization: `Bearer ${'x'.repeat(workbench.token.length)}` }),
    ];
    for (const response of refused) {
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST' },
      });
    }
    const events = await fetch(`${workbench.baseUrl}/api/events`);
    expect(events.status).toBe(401);
  });

  test('calls from another origin are refused even with the token', async ({ workbench, page }) => {
    const info = `${workbench.baseUrl}/api/call/workspace.info`;
    const foreign = await post(info, {
      authorization: `Bearer ${workbench.token}`,
      origin: 'http://evil.example',
    });
    expect(foreign.status).toBe(403);

    // A page of another local site that learnt the token (a real server: Chromium blocks public
    // pages from reaching 127.0.0.1 before the workbench could decide). Its simple POST, sent
    // without a preflight, reaches the server, which must refuse rather than act on it.
    const other = createServer((_, res) => res.end('<title>another site</title>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = other.address() as AddressInfo;
      await page.goto(`http://localhost:${port}/`);
      const close = `${workbench.baseUrl}/api/call/workspace.close?token=${workbench.token}`;
      const outcome = await page.evaluate(async (url) => {
        await fetch(url, { method: 'POST', mode: 'no-cors', body: '{}' });
        try {
          const read = await fetch(url, { method: 'POST', body: '{}' });
          return `read ${read.status}`;
        } catch {
          return 'blocked';
        }
      }, close);
      // No CORS headers: the other site cannot read a reply either.
      expect(outcome).toBe('blocked');
    } finally {
      other.close();
    }
    const still = await workbench.value('workspace.info');
    expect(still.workspace.path).toBe(workbench.workspacePath);
  });

  test('the token leaves the address bar and goes only to /api: no cookie, reload works', async ({
    workbench,
    page,
    context,
  }) => {
    // The app itself is no secret; without the token it says where to find one.
    const bare = await page.goto(workbench.baseUrl);
    expect(bare?.status()).toBe(200);
    await expect(page.locator('body')).toContainText('session token');

    const sent: { url: string; authorization: string | undefined }[] = [];
    page.on('request', (request) =>
      sent.push({ url: request.url(), authorization: request.headers().authorization }),
    );
    await page.goto(`${workbench.url}#data`);
    await expect(page.getByRole('navigation').first()).toBeVisible();
    await expect(page.locator('body')).not.toContainText('No engine connection');
    // Out of the address bar (history, bookmarks, screenshots), the view kept.
    await expect.poll(() => page.url()).toBe(`${workbench.baseUrl}/#data`);
    // Cookies ignore ports: a cookie here would be sent to every other server on 127.0.0.1.
    expect(await context.cookies()).toEqual([]);

    // A reload loads the address as it is now, without the token: the tab still has it.
    await page.reload();
    await expect(page.locator('body')).not.toContainText('No engine connection');
    await expect(page.getByText('Could not read the workspace')).toHaveCount(0);
    expect(page.url()).toBe(`${workbench.baseUrl}/#data`);

    // The token went only to /api, in the Authorization header, never in a URL after the first.
    const api = sent.filter((r) => new URL(r.url).pathname.startsWith('/api/'));
    expect(api.map((r) => new URL(r.url).pathname)).toContain('/api/events');
    expect(api.every((r) => r.authorization === `Bearer ${workbench.token}`)).toBe(true);
    const carrying = sent.filter((r) => r.url.includes(workbench.token)).map((r) => r.url);
    expect(carrying).toEqual([`${workbench.url}#data`.replace(/#.*$/, '')]);
    const assets = sent.filter((r) => !new URL(r.url).pathname.startsWith('/api/'));
    expect(assets.every((r) => r.authorization === undefined)).toBe(true);

    // What another local server sees when this browser visits it: no token of ours.
    const seen: string[] = [];
    const other = createServer((req, res) => {
      seen.push(JSON.stringify(req.headers));
      res.end('<title>another local server</title>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = other.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/`);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.join('\n')).not.toContain(workbench.token);
    } finally {
      other.close();
    }
  });

  test('a wrong token in the address says so', async ({ workbench, page }) => {
    await page.goto(`${workbench.baseUrl}/?token=wrong#data`);
    await expect(page.getByRole('alert')).toContainText('Missing or wrong session token');
  });

  test('the app runs under its Content-Security-Policy, with no violations', async ({
    workbench,
    page,
  }) => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${workbench.url}#data`);
    await expect(page.locator('#root')).not.toBeEmpty();
    const policy = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .first()
      .getAttribute('content');
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-eval');
    expect(violations).toEqual([]);
    // An injected inline script is refused: what a script injection through data would try.
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.head.append(script);
      return (window as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
  });

  test('workspace.info answers for the fresh workspace the fixture made', async ({ workbench }) => {
    const reply = await workbench.api('workspace.info');
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.value.workspace.path).toBe(workbench.workspacePath);
    expect([reply.value.events, reply.value.users, reply.value.sources]).toEqual([0, 0, []]);
    expect(workbench.url).toBe(`${workbench.baseUrl}/?token=${workbench.token}`);
  });
});
