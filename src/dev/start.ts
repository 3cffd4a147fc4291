import '../gateway/noTelemetry.js';
import app from '../../tessera.config.js';
import { startAllMocks, DEFAULT_PORTS } from '../../services-mock/index.js';
import { createApp } from '../app.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../observability/logger.js';

/**
 * `npm start`: the mock services and the gateway on embedded defaults, in one process.
 * Nothing to configure: no Redis, no secrets.
 */
const env = { LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...process.env };
const mocks = await startAllMocks({ ports: DEFAULT_PORTS });
const config = loadConfig(env);
const gateway = createApp(config, { app, env, log: createLogger(config.logLevel) });
try {
  await gateway.start();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  await mocks.close();
  process.exit(1);
}

const lines = [
  '',
  `  Tessera gateway   ${gateway.url}/graphql   (open it in a browser for Apollo Sandbox)`,
  `  Composition id    ${gateway.manager.state?.id}`,
  '',
  '  Mock services:',
  ...(['users', 'orders', 'catalog', 'reviews', 'inventory'] as const).map((n) => `    ${n.padEnd(10)} ${mocks[n].url}`),
  '',
  `  Try:  curl -s ${gateway.url}/graphql -H 'content-type: application/json' \\`,
  `          -d '{"query":"{ user(id: \\"1\\") { name orders { total } } }"}'`,
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await gateway.stop();
  await mocks.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
