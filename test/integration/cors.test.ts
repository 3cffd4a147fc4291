import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedOrigin } from '../../src/http/cors.js';
import { startStack, type Stack } from '../helpers/stack.js';

const preflight = (url: string, origin: string) =>
  fetch(`${url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });

describe('CORS for browser clients', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { CORS_ORIGINS: 'http://app.test' } });
  });
  afterAll(() => stack.close());

  it('answers a preflight from an allowed origin', async () => {
    const res = await preflight(stack.url, 'http://app.test');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
  });

  it('lets the browser read the answer and its headers', async () => {
    const res = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'http://app.test', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ product(sku: "SKU-0001") { title } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(((await res.json()) as any).data.product.title).toEqual(expect.any(String));
  });

  it('gives another origin no CORS headers', async () => {
    const res = await preflight(stack.url, 'http://evil.test');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('allowed origins', () => {
  it('follows the list, `*`, and credentials', () => {
    expect(allowedOrigin({ origins: ['*'], credentials: false }, 'http://a')).toBe('*');
    expect(allowedOrigin({ origins: ['*'], credentials: true }, 'http://a')).toBe('http://a');
    expect(allowedOrigin({ origins: ['http://a'], credentials: false }, 'http://b')).toBeUndefined();
    expect(allowedOrigin({ origins: [], credentials: false }, 'http://a')).toBeUndefined();
    expect(allowedOrigin({ origins: ['*'], credentials: false }, undefined)).toBeUndefined();
  });
});
