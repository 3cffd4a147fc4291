import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, send, serviceCalls, useStack } from './harness.js';

const MAX = 4096;

describe('bad input: oversize bodies', () => {
  const stack = useStack({ MAX_BODY_BYTES: String(MAX) });

  it('a body over MAX_BODY_BYTES (declared length) → 413 PAYLOAD_TOO_LARGE, no service called', async () => {
    const before = serviceCalls(stack());
    const query = `{ user(id: "1") { name } } # ${'x'.repeat(MAX)}`;
    expectRefused(await post(stack(), { query }), 413, 'PAYLOAD_TOO_LARGE');
    expect(serviceCalls(stack())).toBe(before);
  });

  it('a chunked body that grows over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 16) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const answer = await send(stack(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expectRefused(answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a body just under the limit is served', async () => {
    const query = `{ user(id: "1") { name } } # ${'x'.repeat(MAX - 200)}`;
    const answer = await post(stack(), { query });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('keeps serving', () => expectStillServing(stack()));
});
