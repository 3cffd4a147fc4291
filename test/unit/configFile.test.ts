import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findConfigFile, loadConfigFile, withSettings } from '../../src/config/configFile.js';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors/configError.js';
import { tempDir } from '../helpers/registryFixtures.js';

describe('the config file', () => {
  it('settings are defaults under the environment, given as strings', () => {
    const env = withSettings({ PORT: 8080, LOG_LEVEL: 'warn', CORS_CREDENTIALS: false }, { LOG_LEVEL: 'debug' });
    expect(env).toEqual({ PORT: '8080', LOG_LEVEL: 'debug', CORS_CREDENTIALS: 'false' });
    expect(loadConfig({ ...env, SUPERGRAPH_FILE: 'x.graphql' }).port).toBe(8080);
    expect(withSettings(undefined, { A: '1' })).toEqual({ A: '1' });
  });

  it('refuses a setting Tessera does not know, naming it', () => {
    const attempt = () => withSettings({ PROT: 1, PORT: 1 } as never, {});
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/settings\.PROT is not a Tessera setting/);
  });

  it('is found in the working directory, TypeScript first, and loaded with its default export', async () => {
    const { path: dir, remove } = await tempDir('tessera-config-file-');
    onTestFinished(remove);
    expect(findConfigFile(dir)).toBeUndefined();
    writeFileSync(join(dir, 'tessera.config.mjs'), 'export default { settings: { PORT: 1 } };\n');
    expect(findConfigFile(dir)).toBe(join(dir, 'tessera.config.mjs'));
    writeFileSync(join(dir, 'tessera.config.ts'), 'const port: number = 2;\nexport default { settings: { PORT: port } };\n');
    expect(findConfigFile(dir)).toBe(join(dir, 'tessera.config.ts'));
    expect(await loadConfigFile(join(dir, 'tessera.config.ts'))).toEqual({ settings: { PORT: 2 } });
    writeFileSync(join(dir, 'none.mjs'), 'export const x = 1;\n');
    await expect(loadConfigFile(join(dir, 'none.mjs'))).rejects.toThrow(/has no default export/);
  });
});
