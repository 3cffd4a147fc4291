import '../gateway/noTelemetry.js';
import { readFileSync } from 'node:fs';
import { loadDotEnv } from '../config/dotenv.js';

const USAGE = `Usage: tessera <command> [options]

Commands:
  serve [--supergraph FILE] [--port N] [--host H] [--config FILE | --no-app]
                                       Serve a pre-composed supergraph SDL file (reloaded when it changes), or
                                       without --supergraph what the environment says (SUPERGRAPH_CONFIG, the registry).
                                       The app (tessera.config.ts in the working directory) applies when the supergraph has its subgraphs
  compose [--config supergraph.yaml]   Compose the subgraphs of a supergraph.yaml and print the supergraph SDL
  subgraph <verb> …                    publish|check|list|remove|introspect|export|import (tessera subgraph for help)
  token --sub ID [--scope "a b"] [--ttl 1h]   Print a development token signed with JWT_SECRET (HS256)

Options:
  --version                            Print Tessera's version
  --help                               Print this help

Settings come from the environment and from .env in the working directory (the environment wins).
`;

/** The package's version: package.json sits two folders up, in a checkout and in a build alike. */
const version = (): string => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Each command returns its exit code; errors go to stderr one per line. */
export type Command = (argv: string[]) => Promise<number>;

// Loaded on demand: `subgraph list` should not pay for loading the whole gateway.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.js')).runServe,
  compose: async () => (await import('./compose.js')).runCompose,
  subgraph: async () => (await import('./subgraph.js')).runSubgraph,
  token: async () => (await import('./token.js')).runToken,
};

const [name, ...rest] = process.argv.slice(2);
if (name === '--version' || name === '-v' || name === 'version') {
  process.stdout.write(`tessera ${version()}\n`);
  process.exit(0);
}
const load = name ? COMMANDS[name] : undefined;
// `subgraph` has verbs of its own and answers --help itself.
if (!load || (rest.includes('--help') && name !== 'subgraph')) {
  const asked = name === '--help' || name === 'help' || (name === undefined ? false : rest.includes('--help'));
  (asked ? process.stdout : process.stderr).write(USAGE);
  process.exit(asked ? 0 : 2);
}
try {
  loadDotEnv();
  const command = await load();
  const code = await command(rest);
  if (code !== 0) process.exit(code);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
