import { afterAll, beforeAll, expect } from 'vitest';
import { ERROR_CODES, isErrorCode } from '../../../src/errors/codes.js';
import { startStack, type Stack } from '../../helpers/stack.js';

/** The media type of the GraphQL-over-HTTP spec; with it, request errors get 4xx statuses. */
export const GRAPHQL_RESPONSE = 'application/graphql-response+json';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** Starts a stack for the file (before all) and closes it (after all). */
export function useStack(env: Record<string, string> = {}): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack({ env });
  });
  afterAll(async () => {
    await stack?.close();
  });
  return () => {
    if (!stack) throw new Error('The stack did not start.');
    return stack;
  };
}

/** Sends a raw request to /graphql and parses the JSON answer. */
export async function send(stack: Stack, init: RequestInit & { search?: string } = {}): Promise<Answer> {
  const { search = '', ...rest } = init;
  const res = await fetch(`${stack.url}/graphql${search}`, rest);
  const text = await res.text();
  let body: Answer['body'];
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`Not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body };
}

/** POSTs a JSON body asking for the GraphQL-over-HTTP media type. */
export function post(stack: Stack, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return send(stack, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The whole request failed: exactly this status, one error with this code, no data; and the error table says that status. */
export function expectRefused(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, codes: answer.body.errors?.map((e) => e.extensions?.code) }).toEqual({ status, codes: [code] });
  expect(answer.body.data ?? null).toBeNull();
  expect(isErrorCode(code) && ERROR_CODES[code].status, `the error table's status for ${code}`).toBe(status);
}

/** The gateway still answers a normal request across services afterwards. */
export async function expectStillServing(stack: Stack): Promise<void> {
  const { status, body } = await stack.query('{ user(id: "1") { name orders { id } } }');
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expect(body.data.user.name).toBe('Ada Lovelace');
}

/** Total requests the five mocks have seen (to prove a refusal reached no service). */
export function serviceCalls(stack: Stack): number {
  const { users, orders, catalog, reviews, inventory } = stack.mocks;
  return [users, orders, catalog, reviews, inventory].reduce((sum, mock) => sum + mock.stats().total, 0);
}
