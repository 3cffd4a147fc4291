import { parseArgs } from 'node:util';
import { parseTtl, signDevToken } from '../auth/devToken.js';
import { loadConfig } from '../config/index.js';
import { hasJwtKeySource, readDevSecrets } from '../dev/devSecrets.js';

/**
 * `tessera token --sub 1 [--scope "a b"] [--ttl 1h]`: prints an HS256 development token signed with
 * JWT_SECRET, or with the secret `npm start` keeps when none is set (outside production).
 */
export async function runToken(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { sub: { type: 'string' }, scope: { type: 'string', multiple: true }, ttl: { type: 'string', default: '1h' } },
  });
  if (!values.sub) throw new Error('--sub is required, e.g. tessera token --sub 1 --scope "user:email"');
  // Without a key of its own, the secret `npm start` keeps (development only): its tokens work at once.
  const kept = hasJwtKeySource(process.env) ? undefined : readDevSecrets(process.env);
  // Only the auth settings matter here; the supergraph file is not read.
  const config = loadConfig(kept ? { ...process.env, JWT_SECRET: kept.jwtSecret } : process.env, { SUPERGRAPH_FILE: 'unused.graphql' });
  const keys = config.auth.keys;
  if (keys?.kind !== 'secret') {
    throw new Error('tessera token signs with JWT_SECRET; set it (at least 32 bytes), or run `npm start` once, which keeps a development secret for it');
  }
  const token = await signDevToken({
    secret: keys.secret,
    sub: values.sub,
    scopes: (values.scope ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean),
    ttlS: parseTtl(values.ttl),
    issuer: config.auth.issuer,
    audience: config.auth.audience,
  });
  process.stdout.write(`${token}\n`);
  return 0;
}
