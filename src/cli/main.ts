import '../gateway/noTelemetry.js';
import { runServe } from './serve.js';
import { runCompose } from './compose.js';
import { runSubgraph } from './subgraph.js';
import { runToken } from './token.js';

const USAGE = `Usage: tessera <command> [options]

Commands:
  serve --supergraph FILE [--port N]   Serve a pre-composed supergraph SDL file; reloads it when it changes
  compose [--config supergraph.yaml]   Compose the subgraphs of a supergraph.yaml and print the supergraph SDL
  subgraph <verb> …                    publish|check|list|remove|introspect|export|import (tessera subgraph for help)
  token --sub ID [--scope "a b"] [--ttl 1h]   Print a development token signed with JWT_SECRET (HS256)
`;

/** Each command returns its exit code; errors go to stderr one per line. */
export type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: runServe,
  compose: runCompose,
  subgraph: runSubgraph,
  token: runToken,
};

const [name, ...rest] = process.argv.slice(2);
const command = name ? COMMANDS[name] : undefined;
if (!command || rest.includes('--help')) {
  process.stderr.write(USAGE);
  process.exit(name === '--help' || name === 'help' ? 0 : 2);
}
try {
  const code = await command(rest);
  if (code !== 0) process.exit(code);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
