import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors/configError.js';

/** Where a subgraph's SDL comes from. */
export type SchemaSource =
  | { readonly kind: 'introspect'; readonly url: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'sdl'; readonly sdl: string };

/** One subgraph, as listed in Rover's `supergraph.yaml`. `local://name` routes in process. */
export interface SubgraphSpec {
  readonly name: string;
  readonly routingUrl: string;
  readonly schema: SchemaSource;
}

export const LOCAL_SCHEME = 'local://';
export const isLocalUrl = (url: string): boolean => url.startsWith(LOCAL_SCHEME);

export const SUBGRAPH_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

const entrySchema = z.object({
  routing_url: z.string().min(1).optional(),
  schema: z
    .union([
      z.object({ subgraph_url: z.string().min(1) }),
      z.object({ file: z.string().min(1) }),
      z.object({ sdl: z.string().min(1) }),
    ])
    .optional(),
});

const fileSchema = z.object({
  federation_version: z.union([z.string(), z.number()]).optional(),
  subgraphs: z.record(z.string().regex(SUBGRAPH_NAME, 'subgraph names are letters, digits, _ and -'), entrySchema),
});

/** `${env.NAME}` and `${env.NAME:-default}`, as Rover expands them. */
function expandEnv(text: string, env: Record<string, string | undefined>, problems: string[]): string {
  return text.replace(/\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
    const value = env[name] ?? fallback;
    if (value === undefined) problems.push(`\${env.${name}} is not set`);
    return value ?? '';
  });
}

/** Parses Rover's `supergraph.yaml` text into subgraph specs. Pure: paths stay as written. */
export function parseSupergraphConfig(
  text: string,
  env: Record<string, string | undefined> = {},
): SubgraphSpec[] {
  const problems: string[] = [];
  const expanded = expandEnv(text, env, problems);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `supergraph config: ${p}`));
  let raw: unknown;
  try {
    raw = parseYaml(expanded);
  } catch (error) {
    throw new ConfigError([`supergraph config is not valid YAML: ${(error as Error).message}`]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `supergraph config ${i.path.join('.')}: ${i.message}`));
  }
  const specs: SubgraphSpec[] = [];
  for (const [name, entry] of Object.entries(parsed.data.subgraphs)) {
    const routingUrl = entry.routing_url ?? (entry.schema && 'subgraph_url' in entry.schema ? entry.schema.subgraph_url : undefined);
    if (!routingUrl) {
      problems.push(`subgraph "${name}": routing_url is required`);
      continue;
    }
    const schema: SchemaSource | undefined = !entry.schema
      ? isLocalUrl(routingUrl)
        ? undefined
        : { kind: 'introspect', url: routingUrl }
      : 'subgraph_url' in entry.schema
        ? { kind: 'introspect', url: entry.schema.subgraph_url }
        : 'file' in entry.schema
          ? { kind: 'file', path: entry.schema.file }
          : { kind: 'sdl', sdl: entry.schema.sdl };
    if (!schema) {
      problems.push(`subgraph "${name}": a local subgraph needs schema.file`);
      continue;
    }
    specs.push({ name, routingUrl, schema });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return specs;
}

/** The inverse of `parseSupergraphConfig`, for exporting a registered set. */
export function printSupergraphConfig(specs: readonly SubgraphSpec[]): string {
  const subgraphs: Record<string, unknown> = {};
  for (const spec of specs) {
    const schema =
      spec.schema.kind === 'introspect'
        ? { subgraph_url: spec.schema.url }
        : spec.schema.kind === 'file'
          ? { file: spec.schema.path }
          : { sdl: spec.schema.sdl };
    subgraphs[spec.name] = { routing_url: spec.routingUrl, schema };
  }
  return stringifyYaml({ federation_version: '=2.14.4', subgraphs });
}
