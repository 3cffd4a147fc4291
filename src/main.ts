import './gateway/noTelemetry.js';
import type { TesseraConfig } from './appDefinition.js';
import { ConfigError } from './errors/configError.js';
import { loadDotEnv } from './config/dotenv.js';
import { findConfigFile, loadConfigFile, withSettings } from './config/configFile.js';
import { loadConfig } from './config/index.js';
import { runGateway } from './runGateway.js';

/**
 * `npm run gateway`: configured by the environment alone. The app is the working directory's
 * `tessera.config.ts` when it has one (`tessera serve --config` names another).
 */
let config;
let envFile: string | undefined;
let app: TesseraConfig | undefined;
try {
  envFile = loadDotEnv();
  const file = findConfigFile();
  app = file === undefined ? undefined : await loadConfigFile(file);
  config = loadConfig(withSettings(app?.settings, process.env));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
await runGateway({ config, app, envFile });
