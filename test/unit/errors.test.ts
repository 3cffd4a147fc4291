import { describe, expect, it } from 'vitest';
import { ERROR_CODES, TesseraError } from '../../src/errors/codes.js';
import { readDoc } from '../helpers/docs.js';

const table = readDoc('docs/errors.md');

describe('error codes', () => {
  it.each(Object.entries(ERROR_CODES))('%s is documented in docs/errors.md with its HTTP status', (code, { status }) => {
    const row = table.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
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
