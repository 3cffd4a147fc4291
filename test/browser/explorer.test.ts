import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../src/auth/devToken.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * The explorer in a real browser (Debian's Chromium, headless) that cannot reach anything but the
 * gateway: every request to another host is refused and recorded, as on a machine without internet.
 * `.ci/run` installs Chromium; without it this test fails, it does not skip.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SECRET = 'explorer-browser-test-secret-of-32-bytes!!';
const QUERY = '{ user(id: "1") { name email } }';

describe('the explorer, offline, in headless Chromium', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), or set CHROMIUM_PATH`);
    const token = await signDevToken({ secret: SECRET, sub: '1', scopes: ['user:email'] });
    stack = await startStack({ env: { JWT_SECRET: SECRET }, explorer: { defaultQuery: QUERY, headers: { authorization: `Bearer ${token}` } } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Chromium's own background traffic (updates, sync, QUIC probes) off: the machine has no internet.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('renders from the gateway alone, runs the preset query with the preset token, and shows the result', async () => {
    const context = await browser.newContext();
    const elsewhere: string[] = [];
    const gateway = new URL(stack.url).host;
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.host === gateway) return route.continue();
      elsewhere.push(url.href);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(`${stack.url}/graphql`, { waitUntil: 'load', timeout: 30_000 });
      expect(await page.title()).toBe('Tessera');
      // The editor renders, holding the preset query.
      const editor = page.locator('.graphiql-query-editor .view-lines');
      await editor.waitFor({ timeout: 30_000 });
      await expect.poll(async () => (await editor.innerText()).replace(/\s+/g, ' '), { timeout: 15_000 }).toContain('user(id: "1") { name email }');
      // Run it: the answer shows, email included (the preset token was sent).
      await page.locator('.graphiql-execute-button').click();
      const result = page.locator('.graphiql-response .view-lines');
      await expect.poll(async () => (await result.innerText().catch(() => '')).replace(/\s+/g, ' '), { timeout: 20_000 }).toContain('"email": "ada@example.com"');
      // Monaco spaces with no-break spaces; the text shown is the answer, as JSON.
      expect(JSON.parse((await result.innerText()).replace(/\u00a0/g, ' '))).toEqual({ data: { user: { name: 'Ada Lovelace', email: 'ada@example.com' } } });
      // Apollo Sandbox is offered as a link to this gateway, not loaded.
      const sandbox = await page.locator('#tessera-sandbox').getAttribute('href');
      expect(sandbox).toBe(`https://studio.apollographql.com/sandbox/explorer?endpoint=${encodeURIComponent(`${stack.url}/graphql`)}`);
      expect(elsewhere).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
