import '../src/gateway/noTelemetry.js';
import { relative } from 'node:path';
import app from '../tessera.config.js';
import { startAllMocks, DEFAULT_PORTS } from '../services-mock/index.js';
import { createApp } from '../src/app.js';
import { loadDotEnv } from '../src/config/dotenv.js';
import { withSettings } from '../src/config/configFile.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/observability/logger.js';
import { signDevToken } from '../src/auth/devToken.js';
import { devSecretsPath, hasJwtKeySource, isLoopbackHost, keepDevSecrets, readDevSecrets } from '../src/dev/devSecrets.js';

/**
 * `npm start`: the mock services and the gateway on embedded defaults, in one process. Nothing to
 * configure (no Redis, no secrets) and nothing to restart: outside production, the JWT secret and
 * the admin token are kept in DATA_DIR for the CLI to use (src/dev/devSecrets.ts).
 */
const DEV_SCOPES = ['user:email', 'inventory:read'];
const EXAMPLE_QUERY = `# One endpoint, five services. Press ▶ to run it.
# The token under Headers signs you in as user 1;
# without it, email and totals are null, with errors.
query FirstQuery {
  user(id: "1") {
    name
    email
    orders {
      total
      items {
        quantity
        product { title price inStock reviews { rating author { name } } }
      }
    }
  }
}
`;

/** A start-up problem (a bad setting, an unwritable DATA_DIR) is one message, not a stack trace. */
function fail(error: unknown): never {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}

/** The settings `npm start` runs with: .env, then the environment, then the kept secrets where it has none. */
function devSettings() {
  const envFile = loadDotEnv();
  // Request logs on (info): a development console shows what the gateway is doing.
  const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'info', HOST: '127.0.0.1', ...process.env };
  const secretsPath = devSecretsPath(env);
  const secrets = secretsPath ? keepDevSecrets(secretsPath, undefined, readDevSecrets(env)) : undefined;
  const signsWithKept = secrets !== undefined && !hasJwtKeySource(env);
  if (signsWithKept) env.JWT_SECRET = secrets.jwtSecret;
  // The admin API opens by itself only where no other machine can reach it.
  const adminWithKept = secrets !== undefined && !env.ADMIN_TOKEN && isLoopbackHost(env.HOST ?? '');
  if (adminWithKept) env.ADMIN_TOKEN = secrets.adminToken;
  return { envFile, env, secretsPath, secrets, signsWithKept, adminWithKept, config: loadConfig(withSettings(app.settings, env)) };
}

let settings: ReturnType<typeof devSettings>;
try {
  settings = devSettings();
} catch (error) {
  fail(error);
}
const { envFile, env, secretsPath, secrets, signsWithKept, adminWithKept, config } = settings;

const mocks = await startAllMocks({ ports: DEFAULT_PORTS });
const token = signsWithKept
  ? await signDevToken({ secret: secrets!.jwtSecret, sub: '1', scopes: DEV_SCOPES, ttlS: 12 * 3600, issuer: config.auth.issuer, audience: config.auth.audience })
  : undefined;
// The token goes into the explorer page only where no other machine can load that page.
const explorer = { defaultQuery: EXAMPLE_QUERY, ...(token && isLoopbackHost(config.host) ? { headers: { authorization: `Bearer ${token}` } } : {}) };
const gateway = createApp(config, { app, env, explorer, log: createLogger(config.logLevel) });
try {
  await gateway.start();
} catch (error) {
  await mocks.close();
  fail(error);
}
// Where this start serves, for the CLI's default --gateway.
if (secretsPath) keepDevSecrets(secretsPath, gateway.url, secrets);
/** A path as the user would type it: relative to where they are when it is below it. */
const shown = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};
const kept = secretsPath ? shown(secretsPath) : '';
const graphql = `${gateway.url}/graphql`;

const lines = [
  '',
  `  Tessera gateway   ${graphql}   (open it in a browser: the explorer, offline too)`,
  `  Metrics           ${gateway.metricsUrl}   (Prometheus; loopback only)`,
  `  Composition id    ${gateway.manager.state?.id}`,
  `  Settings          ${envFile ? `${shown(envFile)} read (the environment wins over it)` : 'environment only (no .env)'}; LOG_LEVEL=${config.logLevel}${config.logLevel === 'info' ? ': a line per request' : ''}`,
  '',
  '  Mock services:',
  ...(['users', 'orders', 'catalog', 'reviews', 'inventory'] as const).map((n) => `    ${n.padEnd(10)} ${mocks[n].url}`),
  '',
  `  Try:  curl -s ${graphql} -H 'content-type: application/json' \\`,
  `          -d '{"query":"{ user(id: \\"1\\") { name email } }"}'`,
  '        (anonymous: email comes back null, with an UNAUTHENTICATED error at its path)',
  '',
  ...tokenHelp(),
  ...adminHelp(),
];

/** How to authenticate: with the kept secret, a ready token and the command for more; otherwise what to use. */
function tokenHelp(): string[] {
  if (token) {
    return [
      `  Auth: no JWT key is configured, so development tokens are signed with a secret kept in ${kept}.`,
      `  A token for user 1 with scopes ${DEV_SCOPES.join(' ')}, valid 12 h (the explorer has it too):`,
      '',
      `    TOKEN=${token}`,
      '',
      `  More, while this runs or after a restart:  TOKEN=$(npx tessera token --sub 2 --scope "user:email")`,
      `  Try:  curl -s ${graphql} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\`,
      `          -d '{"query":"{ user(id: \\"1\\") { name email orders { total } } }"}'`,
      '',
    ];
  }
  if (!config.auth.keys) return ['  Auth: no JWT key is configured (production keeps no development secret): every request is anonymous.', ''];
  if (config.auth.keys.kind === 'secret') return ['  Auth: tokens are signed with JWT_SECRET:  TOKEN=$(npx tessera token --sub 1 --scope "user:email")', ''];
  return ['  Auth: tokens are verified against the configured public key or JWKS.', ''];
}

/** The admin API: how to add a service with it, or why it is off. */
function adminHelp(): string[] {
  if (!config.registry.adminToken) return ['  Admin API: off (set ADMIN_TOKEN to register subgraphs; see docs/registry.md).', ''];
  return [
    `  Admin API: on${adminWithKept ? `, with a token kept in ${kept} (the CLI reads it)` : ' (ADMIN_TOKEN)'}. Add a service without a restart:`,
    '    npm run example:shipping          # in another shell: a subgraph on 127.0.0.1:4200',
    '    npx tessera subgraph publish shipping --url http://127.0.0.1:4200/graphql',
    '',
  ];
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
