import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_SECRETS_FILE, devSecretsPath, hasJwtKeySource, isLoopbackHost, keepDevSecrets, readDevSecrets } from '../../src/dev/devSecrets.js';

describe('development secrets (what npm start keeps for the CLI)', () => {
  const dirs: string[] = [];
  const dir = () => {
    const made = mkdtempSync(join(tmpdir(), 'tessera-devsecrets-'));
    dirs.push(made);
    return made;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('are made once, owner-only, and kept across starts; the URL is the latest', () => {
    const dataDir = dir();
    const path = devSecretsPath({ DATA_DIR: dataDir })!;
    expect(path).toBe(join(dataDir, DEV_SECRETS_FILE));
    const first = keepDevSecrets(path, 'http://127.0.0.1:4000', readDevSecrets({ DATA_DIR: dataDir }));
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.adminToken.length).toBeGreaterThanOrEqual(16);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = keepDevSecrets(path, 'http://127.0.0.1:4007', readDevSecrets({ DATA_DIR: dataDir }));
    expect(again).toEqual({ ...first, gatewayUrl: 'http://127.0.0.1:4007' });
    expect(readDevSecrets({ DATA_DIR: dataDir })).toEqual(again);
  });

  it('do not exist in production: no path, nothing read even when a file is there', () => {
    const dataDir = dir();
    keepDevSecrets(devSecretsPath({ DATA_DIR: dataDir })!, undefined, undefined);
    expect(devSecretsPath({ DATA_DIR: dataDir, NODE_ENV: 'production' })).toBeUndefined();
    expect(readDevSecrets({ DATA_DIR: dataDir, NODE_ENV: 'production' })).toBeUndefined();
  });

  it('a file that is not ours (bad JSON, short secrets) reads as none', () => {
    const dataDir = dir();
    const path = join(dataDir, DEV_SECRETS_FILE);
    writeFileSync(path, '{ not json');
    expect(readDevSecrets({ DATA_DIR: dataDir })).toBeUndefined();
    writeFileSync(path, JSON.stringify({ jwtSecret: 'short', adminToken: 'short' }));
    expect(readDevSecrets({ DATA_DIR: dataDir })).toBeUndefined();
    // And a new start replaces it with good ones.
    const made = keepDevSecrets(path, undefined, readDevSecrets({ DATA_DIR: dataDir }));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(made);
  });

  it('the admin API opens by itself only on loopback; any key source means the kept secret is not used', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '']) expect(isLoopbackHost(host), host).toBe(false);
    expect(hasJwtKeySource({})).toBe(false);
    expect(hasJwtKeySource({ JWT_JWKS_URL: 'https://id.example.com/jwks' })).toBe(true);
    expect(hasJwtKeySource({ JWT_PUBLIC_KEY: 'pem' })).toBe(true);
    expect(hasJwtKeySource({ JWT_SECRET: 's' })).toBe(true);
  });
});
