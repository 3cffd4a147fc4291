import { describe, expect, it } from 'vitest';
import { withStoredData } from '../../src/cache/spliceStoredData.js';

const STORED = JSON.stringify({ product: { sku: 'SKU-1', title: 'Lamp "desk"', tags: ['a', 'b'] } });

describe('withStoredData', () => {
  it('puts the stored data where Apollo serialized the placeholder, keeping extensions', () => {
    const body = `${JSON.stringify({ data: {}, extensions: { cost: 3 } })}\n`;
    for (const stored of [STORED, Buffer.from(STORED)]) {
      const out = withStoredData(body, stored).toString();
      expect(JSON.parse(out)).toEqual({ data: JSON.parse(STORED), extensions: { cost: 3 } });
      expect(out.endsWith('}\n')).toBe(true);
    }
  });

  it('works on a body that is only the placeholder', () => {
    expect(JSON.parse(withStoredData('{"data":{}}\n', Buffer.from(STORED)).toString())).toEqual({ data: JSON.parse(STORED) });
  });

  it('falls back to parsing when the body has another shape', () => {
    const body = JSON.stringify({ extensions: { x: 1 }, data: {} });
    expect(JSON.parse(withStoredData(body, Buffer.from(STORED)).toString())).toEqual({ extensions: { x: 1 }, data: JSON.parse(STORED) });
  });
});
