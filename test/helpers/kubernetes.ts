import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as models from 'kubernetes-models';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './processes.js';

/** deploy/kubernetes: the base and the overlays `npm test` renders. */
export const KUBERNETES_DIR = join(ROOT, 'deploy', 'kubernetes');
export const LAYOUTS = ['base', 'overlays/single-redis', 'overlays/redis-cluster'] as const;

/** A rendered Kubernetes object, as YAML gives it. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/**
 * `kubectl kustomize DIR`, parsed. kubectl is not an npm package: a machine without it fails here,
 * loudly, rather than skipping the manifests.
 */
export const render = (layout: string): Promise<Manifest[]> => kustomize(join(KUBERNETES_DIR, layout));

/** `kubectl kustomize` of any kustomization directory. */
export async function kustomize(dir: string): Promise<Manifest[]> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('kubectl', ['kustomize', dir], { timeout: 60_000 }));
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT') throw new Error('kubectl is not installed: deploy/kubernetes is rendered with `kubectl kustomize`');
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr ?? String(error)}`);
  }
  return parseAllDocuments(stdout).map((document) => {
    if (document.errors.length > 0) throw new Error(`${dir}: ${document.errors.map(String).join('; ')}`);
    return document.toJS() as Manifest;
  });
}

type Validated = { prototype: { validate(): void } };

/** The kubernetes-models class for an apiVersion and kind (`apps/v1` Deployment → models.apps.v1.Deployment). */
function modelOf({ apiVersion, kind }: Manifest): Validated {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  // `networking.k8s.io` is exported as `networkingK8sIo`; the core group as its version alone.
  const groupKey = group.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase());
  const scope = (group ? (models as Record<string, unknown>)[groupKey] : models) as Record<string, Record<string, Validated>> | undefined;
  const model = scope?.[version]?.[kind];
  if (!model) throw new Error(`${apiVersion} ${kind}: no schema for it in kubernetes-models (a removed or misspelt apiVersion?)`);
  return model;
}

/**
 * Validates an object against its Kubernetes API schema (kubernetes-models: types, required fields,
 * enums, formats) and, as `kubectl apply` does by default, refuses fields the schema does not have.
 * kubernetes-models' validators accept unknown fields, so the object is handed to its validator
 * behind a proxy that records which fields the schema looked at: a field it never read, in an
 * object whose keys it never listed (a map such as labels), is not in the schema. Returns the
 * problems as `/json/pointer: message`.
 */
export function validate(manifest: Manifest): string[] {
  let model: Validated;
  try {
    model = modelOf(manifest);
  } catch (error) {
    return [(error as Error).message];
  }
  const { proxy, visits } = recording(manifest);
  try {
    model.prototype.validate.call(proxy);
  } catch (error) {
    return [(error as Error).message];
  }
  return unknownFields(manifest, visits, '');
}

interface Visit {
  readonly read: Set<string>;
  listed: boolean;
}

function recording(root: object): { proxy: object; visits: Map<object, Visit> } {
  const visits = new Map<object, Visit>();
  const proxies = new Map<object, object>();
  const wrap = (target: object): object => {
    const known = proxies.get(target);
    if (known) return known;
    const visit: Visit = { read: new Set(), listed: false };
    visits.set(target, visit);
    const proxy = new Proxy(target, {
      get(object, key, receiver) {
        if (typeof key === 'string') visit.read.add(key);
        const value: unknown = Reflect.get(object, key, receiver);
        return typeof value === 'object' && value !== null ? wrap(value) : value;
      },
      has(object, key) {
        if (typeof key === 'string') visit.read.add(key);
        return Reflect.has(object, key);
      },
      ownKeys(object) {
        visit.listed = true;
        return Reflect.ownKeys(object);
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };
  return { proxy: wrap(root), visits };
}

function unknownFields(value: unknown, visits: Map<object, Visit>, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => unknownFields(item, visits, `${path}/${index}`));
  if (typeof value !== 'object' || value === null) return [];
  const visit = visits.get(value);
  return Object.entries(value).flatMap(([key, child]) => [
    ...(visit && !visit.listed && !visit.read.has(key) ? [`${path}/${key}: not a field of this object's schema`] : []),
    ...unknownFields(child, visits, `${path}/${key}`),
  ]);
}

/** The one object of a kind (and name) among rendered manifests; fails when there is not exactly one. */
export function only<T = Manifest>(manifests: readonly Manifest[], kind: string): T {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0] as T;
}

/** The image's environment: the `ENV` instructions of the Dockerfile's last stage. */
export function imageEnv(): Record<string, string> {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const lastStage = dockerfile.split(/^FROM /m).at(-1)!;
  const env: Record<string, string> = {};
  for (const [, body] of lastStage.replace(/\\\n\s*/g, ' ').matchAll(/^ENV\s+(.+)$/gm)) {
    for (const [, name, value] of body!.matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g)) env[name!] = value!.replace(/^"|"$/g, '');
  }
  return env;
}
