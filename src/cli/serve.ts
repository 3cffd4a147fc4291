import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'graphql';
import type { AppDefinition, TesseraConfig } from '../appDefinition.js';
import { appSubgraphsIn } from '../appScope.js';
import { fieldOwners } from '../composition/fieldOwners.js';
import { ConfigError } from '../errors/configError.js';
import { findConfigFile, loadConfigFile, withSettings } from '../config/configFile.js';
import { loadConfig } from '../config/index.js';
import { LOCAL_SCHEME } from '../config/supergraphConfig.js';
import { runGateway } from '../runGateway.js';

/** Which app a `serve` applies: the one named, none, or the working directory's when the supergraph has its subgraphs. */
type AppChoice = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'none' } | { readonly kind: 'default' };

/** The config file a `serve` reads (settings and app), before the supergraph is known. */
async function readChoice(choice: AppChoice): Promise<{ file?: string; config?: TesseraConfig }> {
  if (choice.kind === 'none') return {};
  const file = choice.kind === 'file' ? resolve(choice.path) : findConfigFile();
  if (file === undefined) return {};
  if (!existsSync(file)) throw new ConfigError([`--config ${choice.kind === 'file' ? choice.path : file}: no such file`]);
  return { file, config: await loadConfigFile(file) };
}

/**
 * The app to serve with: `--no-app` none; `--config FILE` that one, which the supergraph must
 * hold; by default the working directory's `tessera.config.ts` when the supergraph holds its
 * subgraphs, else none (a foreign supergraph gets the engine alone, as Apollo Router would serve it).
 */
function chooseApp(choice: AppChoice, read: { file?: string; config?: TesseraConfig }, supergraphSdl: string | undefined): { app?: AppDefinition; note: string } {
  if (choice.kind === 'none') return { note: 'engine only (--no-app)' };
  const { file, config: app } = read;
  if (file === undefined || app === undefined) return { note: 'engine only (no tessera.config.ts)' };
  const name = relative(process.cwd(), file) || file;
  // A file with settings alone configures the engine; it has no app to apply.
  if (Object.keys(app).every((key) => key === 'settings')) return { note: `engine only (settings from ${name})` };
  if (supergraphSdl === undefined) return { app, note: `app ${name}` };
  const { owned } = appSubgraphsIn(app.owns, fieldOwners(parse(supergraphSdl, { noLocation: true })));
  if (owned.length > 0) return { app, note: `app ${name} (${owned.join(', ')})` };
  const wanted = [...(app.owns?.inProcess ?? []).map((n) => `${LOCAL_SCHEME}${n}`), ...(app.owns?.remote ?? [])].join(', ') || 'none declared in owns';
  if (choice.kind === 'file') throw new ConfigError([`--config ${choice.path}: the supergraph has none of the app's subgraphs (${wanted})`]);
  return { note: `engine only (the supergraph has none of ${name}'s subgraphs: ${wanted})` };
}

/**
 * `tessera serve [--supergraph FILE] [--config FILE | --no-app] [--port N] [--host H]`: the way
 * Apollo Router and Hive Gateway are run. Without --supergraph, the environment says what to serve
 * (SUPERGRAPH_FILE, or SUPERGRAPH_CONFIG composed at start and the registry), as for `npm run gateway`.
 */
export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      supergraph: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      'no-app': { type: 'boolean' },
    },
  });
  if (values.config !== undefined && values['no-app']) {
    process.stderr.write('serve takes --config FILE or --no-app, not both\n');
    return 2;
  }
  const overrides: Record<string, string> = {};
  if (values.supergraph) overrides.SUPERGRAPH_FILE = values.supergraph;
  if (values.port) overrides.PORT = values.port;
  if (values.host) overrides.HOST = values.host;
  const choice: AppChoice = values['no-app'] ? { kind: 'none' } : values.config !== undefined ? { kind: 'file', path: values.config } : { kind: 'default' };
  const read = await readChoice(choice);
  // The file's settings apply even when its app does not (a foreign supergraph): they configure the engine.
  const config = loadConfig(withSettings(read.config?.settings, process.env), overrides);
  // A file is checked for the app's subgraphs now; a graph composed at start (SUPERGRAPH_CONFIG,
  // the registry) gets the app, which acts on the subgraphs it owns when they are there.
  const sdl = config.supergraph.kind === 'file' ? await readFile(config.supergraph.path, 'utf8') : undefined;
  const { app, note } = chooseApp(choice, read, sdl);
  await runGateway({ config, app, appNote: note });
  return 0;
}
