import '../gateway/noTelemetry.js';
import app from '../../tessera.config.js';
import { startAllMocks, DEFAULT_PORTS } from '../../services-mock/index.js';
import { createApp } from '../app.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../observability/logger.js';
import { signDevToken } from '../auth/devToken.js';
import { randomBytes } from 'node:crypto';

/**
 * `npm start`: the mock services and the gateway on embedded defaults, in one process.
 * Nothing to configure: no Redis, no secrets.
 */
const env: Record<string, string | undefined> = { LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...process.env };
// No key source configured: a random secret for this process only, so tokens work out of the box.
const devSecret =
  env.NODE_ENV !== 'production' && !env.JWT_SECRET && !env.JWT_PUBLIC_KEY && !env.JWT_JWKS_URL ? randomBytes(32).toString('base64url') : undefined;
if (devSecret) env.JWT_SECRET = devSecret;
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
  `  Metrics           ${gateway.metricsUrl}   (Prometheus; loopback only)`,
  `  Composition id    ${gateway.manager.state?.id}`,
  '',
  '  Mock services:',
  ...(['users', 'orders', 'catalog', 'reviews', 'inventory'] as const).map((n) => `    ${n.padEnd(10)} ${mocks[n].url}`),
  '',
  `  Try:  curl -s ${gateway.url}/graphql -H 'content-type: application/json' \\`,
  `          -d '{"query":"{ user(id: \\"1\\") { name email } }"}'`,
  '        (anonymous: email comes back null, with an UNAUTHENTICATED error at its path)',
  '',
  ...(await tokenHelp()),
];

/** How to authenticate: with a made-up secret, a ready token; with the user's own JWT_SECRET, the command. */
async function tokenHelp(): Promise<string[]> {
  const example = (token: string) => [
    `  Try:  curl -s ${gateway.url}/graphql -H 'content-type: application/json' -H "authorization: Bearer ${token}" \\`,
    `          -d '{"query":"{ user(id: \\"1\\") { name email orders { total } } }"}'`,
    '',
  ];
  if (devSecret) {
    const token = await signDevToken({ secret: devSecret, sub: '1', scopes: ['user:email'], ttlS: 12 * 3600, issuer: config.auth.issuer, audience: config.auth.audience });
    return [
      '  Auth: no JWT key is configured, so this process signs with a random secret of its own (development only).',
      '  A token for user 1 with scope user:email, valid 12 h:',
      '',
      `    TOKEN=${token}`,
      '',
      ...example('$TOKEN'),
    ];
  }
  if (config.auth.keys?.kind === 'secret') {
    return ['  Auth: mint a development token with JWT_SECRET:', '    TOKEN=$(npm run -s tessera -- token --sub 1 --scope "user:email")', '', ...example('$TOKEN')];
  }
  return ['  Auth: tokens are verified against the configured public key or JWKS.', ''];
}
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
