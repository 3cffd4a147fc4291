import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createGateway, defineConfig, type Gateway } from 'tessera-gateway';
import demo from '../../tessera.config.js';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { TEST_ENV } from '../helpers/supergraphApp.js';
import { mockEnv, postGraphQL } from '../helpers/stack.js';

// `createGateway` as a program that embeds Tessera calls it: the package's API, a config object,
// an environment; the demo supergraph composed at start over the mock services.
describe('createGateway (embedding)', () => {
  let mocks: MockSet;
  let gateway: Gateway;

  beforeAll(async () => {
    mocks = await startAllMocks();
    // The config's settings are defaults; the environment given wins (HOST from TEST_ENV).
    const config = defineConfig({ ...demo, settings: { HOST: '0.0.0.0', MAX_DEPTH: 3 } });
    gateway = createGateway({ config, env: { ...TEST_ENV, ...mockEnv(mocks) } });
    await gateway.start();
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await mocks?.close();
  });

  it('serves the app: its in-process subgraphs answer and its rules hold', async () => {
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { body } = await postGraphQL(gateway.url, '{ user(id: "1") { name email } }');
    expect(body.data).toEqual({ user: { name: 'Ada Lovelace', email: null } });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('applies the config’s settings under the environment', async () => {
    expect(gateway.config.host).toBe('127.0.0.1');
    const { body } = await postGraphQL(gateway.url, '{ user(id: "1") { orders { items { product { title } } } } }');
    expect(body.errors?.[0]).toMatchObject({ message: 'The operation is nested 5 levels deep; the limit is 3.', extensions: { code: 'OPERATION_LIMIT_EXCEEDED' } });
  });

  it('throws a ConfigError naming a bad setting, before anything starts', () => {
    const bad = () => createGateway({ config: defineConfig({ settings: { PORT: 'eighty' } }), env: { LOG_LEVEL: 'silent' } });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/PORT/);
  });
});
