import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, fieldError, isErrorCode, requestError, TesseraError } from '../../src/errors/codes.js';
import { readDoc } from '../helpers/docs.js';
import { SRC, sourceFiles } from '../helpers/sources.js';

const table = readDoc('docs/errors.md');

/** Every code literal the source emits: `code: 'X'`, or the code argument of the table's constructors and senders. */
function emittedCodes(): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /(?:\bcode: |(?:requestError|fieldError|TesseraError|sendError|sendGraphQLError)\((?:req, )?(?:res, )?)'([A-Z][A-Z0-9_]*)'/g;
  for (const file of sourceFiles()) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) found.set(match[1]!, file.slice(SRC.length));
  }
  return found;
}

describe('error codes', () => {
  it.each(Object.entries(ERROR_CODES))('%s is documented in docs/errors.md with its HTTP status', (code, { status }) => {
    const row = table.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    expect(row).toContain(`| ${status} |`);
  });

  it('the source emits no code the table lacks', () => {
    const codes = emittedCodes();
    expect(codes.size).toBeGreaterThan(20);
    expect([...codes].filter(([code]) => !isErrorCode(code)).map(([code, file]) => `${code} (${file})`)).toEqual([]);
  });

  it('a request error carries the table status (and headers) for Apollo; a field error carries none', () => {
    const refused = requestError('RATE_LIMITED', 'slow down', { retryAfter: 3 }, [['retry-after', '3']]);
    const http = refused.extensions['http'] as { status: number; headers: Map<string, string> };
    expect(http.status).toBe(429);
    expect(http.headers.get('retry-after')).toBe('3');
    expect(refused.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 3 });
    expect((requestError('BAD_USER_INPUT').extensions['http'] as { status: number }).status).toBe(400);

    const denied = fieldError('FORBIDDEN', undefined, {}, ['user', 'email']);
    expect(denied.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(denied.message).toBe(ERROR_CODES.FORBIDDEN.message);
    expect(denied.path).toEqual(['user', 'email']);
  });

  it('TesseraError carries the code, status and extensions into a GraphQL error at a path', () => {
    const error = new TesseraError('SUBGRAPH_TIMEOUT', 'slow', { serviceName: 'x' });
    expect(error.status).toBe(200);
    const gql = error.toGraphQLError(['a', 0]);
    expect(gql.extensions).toEqual({ serviceName: 'x', code: 'SUBGRAPH_TIMEOUT' });
    expect(gql.path).toEqual(['a', 0]);
  });
});
