import { readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fetchSubgraphSdl } from '../composition/fetchSdl.js';
import { parseSupergraphConfig, printSupergraphConfig, type SubgraphSpec } from '../config/supergraphConfig.js';
import { readDevSecrets } from '../dev/devSecrets.js';
import { isErrorCode, type ErrorCode } from '../errors/codes.js';

const USAGE = `Usage: tessera subgraph <verb> [options]

  publish NAME --url URL [--schema FILE|-] [--force]   Register or update a subgraph (validated, then served)
  check NAME --url URL [--schema FILE|-]               Dry run of publish: every check, nothing changes
  list                                                 Subgraphs served: URL, source, SDL hash, last health check
  remove NAME [--force]                                Unregister a subgraph (same compose + breaking checks)
  introspect URL                                       Print a subgraph's SDL ({ _service { sdl } })
  export [--out FILE]                                  Print the registered set as supergraph.yaml
  import FILE [--force] [--dry-run]                    Replace the registered set with a supergraph.yaml
  restore [--dry-run]                                  Put the gateway's registered set back into a store that lost data

Options: --gateway URL (default TESSERA_GATEWAY, else http://127.0.0.1:4000), --json (machine-readable output).
The admin token is read from ADMIN_TOKEN. Without it, outside production, the CLI uses the token and
URL that \`npm start\` keeps in DATA_DIR (.tessera/dev-secrets.json).
`;

/** A gateway's admin API and the token to call it with. */
interface AdminTarget {
  readonly url: string;
  readonly token: string | undefined;
}

/** ADMIN_TOKEN, else what a running `npm start` keeps: its token, and its URL unless one is given. */
function adminTarget(given: string | undefined): AdminTarget {
  const token = process.env.ADMIN_TOKEN || undefined;
  const kept = token ? undefined : readDevSecrets(process.env);
  return { url: given ?? (process.env.TESSERA_GATEWAY || kept?.gatewayUrl || 'http://127.0.0.1:4000'), token: token ?? kept?.adminToken };
}

interface AdminAnswer {
  readonly status: number;
  readonly body: any;
}

interface ApiError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** An error of an answer: the admin API's `{ code, message }`, or a GraphQL-shaped one (`extensions.code`). */
function apiErrorOf(error: { code?: unknown; message?: unknown; extensions?: { code?: unknown } }): ApiError {
  const code = error.code ?? error.extensions?.code;
  return { code: isErrorCode(code) ? code : 'UNEXPECTED_ANSWER', message: String(error.message ?? '') };
}

class CliFailure extends Error {
  constructor(
    readonly errors: readonly ApiError[],
    readonly body?: unknown,
  ) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

async function call(admin: AdminTarget, method: string, path: string, body?: string, contentType = 'application/json'): Promise<AdminAnswer> {
  const gateway = admin.url;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (admin.token) headers.authorization = `Bearer ${admin.token}`;
  if (body !== undefined) headers['content-type'] = contentType;
  let response: Response;
  try {
    response = await fetch(new URL(path, gateway), { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new CliFailure([{ code: 'GATEWAY_UNREACHABLE', message: `Could not reach the gateway at ${gateway}: ${cause?.code ?? cause?.message ?? (error as Error).message}` }]);
  }
  const text = await response.text();
  let parsed: any = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  const answered: ApiError[] | undefined = parsed && typeof parsed === 'object' && Array.isArray(parsed.errors) ? parsed.errors.map(apiErrorOf) : undefined;
  // No admin route at all: the gateway's own 404 for a path it does not serve.
  if (response.status === 404 && (answered === undefined || answered[0]?.code === 'ROUTE_NOT_FOUND')) {
    throw new CliFailure([{ code: 'ADMIN_API_OFF', message: `The admin API is off at ${gateway} (start the gateway with ADMIN_TOKEN set; npm start opens it on loopback by itself).` }]);
  }
  if (response.status >= 400) {
    const errors = answered ?? [{ code: 'UNEXPECTED_ANSWER', message: `HTTP ${response.status}: ${String(text).slice(0, 500)}` }];
    throw new CliFailure(errors, parsed);
  }
  return { status: response.status, body: parsed };
}

const readSchema = async (path: string): Promise<string> => {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** Rover reads schema files relative to the yaml; the gateway cannot, so the CLI inlines them. */
async function inlineFiles(specs: readonly SubgraphSpec[], yamlPath: string): Promise<SubgraphSpec[]> {
  return Promise.all(
    specs.map(async (spec) => {
      if (spec.schema.kind !== 'file') return spec;
      const path = isAbsolute(spec.schema.path) ? spec.schema.path : resolve(dirname(yamlPath), spec.schema.path);
      return { ...spec, schema: { kind: 'sdl' as const, sdl: await readFile(path, 'utf8') } };
    }),
  );
}

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

function describeOutcome(verb: string, body: any): string {
  const breaking = (body.changes ?? []).filter((c: { breaking: boolean }) => c.breaking).length;
  const changes = (body.changes ?? []).length;
  const what = body.subgraphs?.join(', ') || '(none)';
  const head = body.dryRun
    ? `Check passed for ${what}: would serve composition ${body.compositionId}`
    : `${verb} ${what}: registry version ${body.version}, composition ${body.compositionId}`;
  return `${head} (${changes} schema change${changes === 1 ? '' : 's'}${breaking ? `, ${breaking} breaking, forced` : ''})`;
}

function describeRestore(body: any): string {
  const what = body.subgraphs?.join(', ') || '(none)';
  if (!body.restored) return `Nothing to restore: the store is at registry version ${body.version}, the one the gateway serves.`;
  const overwriting = body.overwritten?.length ? `, overwriting ${body.overwritten.join(', ')}` : '';
  return body.dryRun
    ? `Would put back ${what} at registry version ${body.version}${overwriting}`
    : `Restored ${what} at registry version ${body.version}, composition ${body.compositionId}${overwriting}`;
}

function printList(subgraphs: any[]): void {
  const rows = [
    ['NAME', 'SOURCE', 'URL', 'SDL HASH', 'REGISTERED AT', 'LAST HEALTH CHECK'],
    ...subgraphs.map((s) => [
      s.name,
      s.source,
      s.url,
      s.sdlHash,
      s.registeredAt ?? '-',
      s.lastHealthCheck ? `${s.lastHealthCheck.ok ? 'ok' : `failed: ${s.lastHealthCheck.message ?? ''}`} at ${s.lastHealthCheck.at}` : '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const row of rows) out(row.map((cell, i) => String(cell).padEnd(widths[i]!)).join('  ').trimEnd());
}

/** `tessera subgraph …`: the CLI door to the registry, with Rover's manners. */
export async function runSubgraph(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      schema: { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      gateway: { type: 'string' },
      out: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const [verb, target] = positionals;
  if (values.help || !verb) {
    // Asked for, help is the answer (stdout, as `tessera --help`); missing a verb, it is the error.
    (values.help ? process.stdout : process.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  const admin = adminTarget(values.gateway);
  const usage = (message: string) => {
    process.stderr.write(`error: ${message}\n\n${USAGE}`);
    return 2;
  };
  const path = (name: string) => `/admin/subgraphs/${encodeURIComponent(name)}`;
  const json = values.json!;

  try {
    switch (verb) {
      case 'publish':
      case 'check': {
        if (!target) return usage(`${verb} needs a subgraph NAME`);
        if (!values.url) return usage(`${verb} needs --url URL`);
        const payload = {
          url: values.url,
          ...(values.schema ? { sdl: await readSchema(values.schema) } : {}),
          ...(values.force ? { force: true } : {}),
        };
        const { body } = await call(admin, verb === 'check' ? 'POST' : 'PUT', verb === 'check' ? `${path(target)}/check` : path(target), JSON.stringify(payload));
        out(json ? JSON.stringify(body, null, 2) : describeOutcome('Published', body));
        return 0;
      }
      case 'remove': {
        if (!target) return usage('remove needs a subgraph NAME');
        const { body } = await call(admin, 'DELETE', `${path(target)}${values.force ? '?force=true' : ''}`);
        out(json ? JSON.stringify(body, null, 2) : describeOutcome('Removed', body));
        return 0;
      }
      case 'list': {
        const { body } = await call(admin, 'GET', '/admin/subgraphs');
        if (json) out(JSON.stringify(body.subgraphs, null, 2));
        else printList(body.subgraphs);
        return 0;
      }
      case 'introspect': {
        if (!target) return usage('introspect needs a subgraph URL');
        out(await fetchSubgraphSdl(target, { timeoutMs: 10_000 }));
        return 0;
      }
      case 'export': {
        const { body } = await call(admin, 'GET', '/admin/supergraph.yaml');
        if (values.out) await writeFile(values.out, String(body));
        else out(String(body));
        return 0;
      }
      case 'import': {
        if (!target) return usage('import needs a supergraph.yaml FILE');
        const specs = await inlineFiles(parseSupergraphConfig(await readFile(target, 'utf8'), process.env), target);
        const query = new URLSearchParams();
        if (values.force) query.set('force', 'true');
        if (values['dry-run']) query.set('dryRun', 'true');
        const { body } = await call(admin, 'PUT', `/admin/supergraph.yaml${query.size ? `?${query}` : ''}`, printSupergraphConfig(specs), 'application/yaml');
        out(json ? JSON.stringify(body, null, 2) : describeOutcome('Imported', body));
        return 0;
      }
      case 'restore': {
        const { body } = await call(admin, 'POST', `/admin/registry/restore${values['dry-run'] ? '?dryRun=true' : ''}`);
        out(json ? JSON.stringify(body, null, 2) : describeRestore(body));
        return 0;
      }
      default:
        return usage(`unknown verb "${verb}"`);
    }
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    if (json && error.body !== undefined) out(JSON.stringify(error.body, null, 2));
    for (const e of error.errors) process.stderr.write(`error[${e.code}]: ${e.message.replace(/\n/g, ' ')}\n`);
    return 1;
  }
}
