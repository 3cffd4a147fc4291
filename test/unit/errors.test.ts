import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, TesseraError } from '../../src/errors/codes.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('error codes', () => {
  it.each(Object.entries(ERROR_CODES))('%s is documented in the README with its HTTP status', (code, { status }) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `README error table has no row for ${code}`).toBeDefined();
    expect(row).toContain(`| ${status} |`);
  });

  it('TesseraError carries the code, status and extensions into a GraphQL error', () => {
    const error = new TesseraError('SUBGRAPH_TIMEOUT', 'slow', { serviceName: 'x' });
    expect(error.status).toBe(200);
    const gql = error.toGraphQLError(['a', 0]);
    expect(gql.extensions).toEqual({ serviceName: 'x', code: 'SUBGRAPH_TIMEOUT' });
    expect(gql.path).toEqual(['a', 0]);
  });
});
