import { expect, test } from './fixtures';

test.describe('the session token', () => {
  test('is required for calls and for the page, and other origins are refused', async ({
    workbench,
    page,
  }) => {
    const info = `${workbench.baseUrl}/api/call/workspace.info`;
    const post = (url: string, headers: Record<string, string> = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    expect((await post(info)).status).toBe(401);
    expect((await post(info, { authorization: 'Bearer not-the-token' })).status).toBe(401);
    expect(
      (
        await post(info, {
          authorization: `Bearer ${workbench.token}`,
          origin: 'http://evil.example',
        })
      ).status,
    ).toBe(403);
    const ok = await post(info, { authorization: `Bearer ${workbench.token}` });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true });

    // The page itself: refused without the token, the app with it.
    const bare = await page.goto(workbench.baseUrl);
    expect(bare?.status()).toBe(401);
    await page.goto(workbench.url);
    await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Data' })).toBeVisible();
  });
});
