import { SignJWT } from 'jose';

export interface DevTokenOptions {
  readonly secret: string;
  readonly sub: string;
  readonly scopes?: readonly string[];
  /** The `client_id` claim: the client the token was issued to. */
  readonly client?: string;
  /** Lifetime in seconds. */
  readonly ttlS?: number;
  readonly issuer?: string | undefined;
  readonly audience?: string | readonly string[] | undefined;
}

/** Signs an HS256 token for development with `JWT_SECRET`; production uses an identity provider. */
export function signDevToken(options: DevTokenOptions): Promise<string> {
  let jwt = new SignJWT({ scope: (options.scopes ?? []).join(' '), ...(options.client === undefined ? {} : { client_id: options.client }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.ttlS ?? 3600));
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(typeof options.audience === 'string' ? options.audience : [...options.audience]);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

/** Parses a lifetime such as `90`, `30s`, `15m`, `1h`, `7d` into seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) throw new Error(`--ttl ${JSON.stringify(text)}: expected a number with an optional unit s, m, h or d (e.g. 1h)`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0) throw new Error('--ttl must be positive');
  return seconds;
}
