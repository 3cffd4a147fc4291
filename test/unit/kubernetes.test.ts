import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { envSchema } from '../../src/config/env.js';
import { imageEnv, KUBERNETES_DIR, kustomize, LAYOUTS, only, render, validate, type Manifest } from '../helpers/kubernetes.js';
import { ROOT } from '../helpers/processes.js';

/**
 * deploy/kubernetes as `kubectl kustomize` renders it: every object valid against the Kubernetes
 * API schemas, and the invariants a drain, a probe or a security review depends on. The pod itself
 * runs in test/integration/kubernetes-pod.test.ts.
 */
const rendered = new Map<string, Manifest[]>();
beforeAll(async () => {
  for (const layout of LAYOUTS) rendered.set(layout, await render(layout));
}, 120_000);

const manifests = (layout: string) => rendered.get(layout)!;
const deploymentOf = (layout: string) => only<IDeployment>(manifests(layout), 'Deployment');
const gatewayOf = (layout: string): IContainer => deploymentOf(layout).spec!.template.spec!.containers.find((c) => c.name === 'tessera')!;
const envValue = (container: IContainer, name: string) => container.env?.find((e) => e.name === name)?.value;
/** Kubernetes quantities as MiB (`768Mi`, `2Gi`). */
const mebibytes = (quantity: string | number | undefined) => {
  const match = /^(\d+)(Mi|Gi)$/.exec(String(quantity));
  if (!match) throw new Error(`memory ${String(quantity)}: give it in Mi or Gi`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
};

describe('the Kubernetes API schemas', () => {
  it('refuse a misspelt field, a wrong type and a removed apiVersion (the check can fail)', () => {
    const deployment = structuredClone(manifests('base').find((m) => m.kind === 'Deployment')!) as Manifest & IDeployment;
    expect(validate(deployment)).toEqual([]);
    const misspelt = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const container = misspelt.spec.template.spec.containers[0]!;
    container['livenessProb'] = container['livenessProbe'];
    expect(validate(misspelt as unknown as Manifest)).toEqual(['/spec/template/spec/containers/0/livenessProb: not a field of this object\'s schema']);
    expect(validate({ ...deployment, spec: { ...deployment.spec!, revisionHistoryLimit: 'five' } } as unknown as Manifest)).toEqual([expect.stringMatching(/revisionHistoryLimit must be integer/)]);
    expect(validate({ ...deployment, apiVersion: 'extensions/v1beta2' } as Manifest)).toEqual([expect.stringMatching(/no schema/)]);
  });

  it.each(LAYOUTS)('accept every object %s renders, with no field they lack', (layout) => {
    const kinds = manifests(layout).map((m) => m.kind).sort();
    expect(kinds).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
    for (const manifest of manifests(layout)) expect(validate(manifest), `${layout}: ${manifest.kind} ${manifest.metadata.name}`).toEqual([]);
  });
});

describe.each(LAYOUTS)('%s', (layout) => {
  it('probes /health and /readiness on the port the gateway listens on; Prometheus scrapes the metrics port', () => {
    const container = gatewayOf(layout);
    const port = (name: string) => container.ports?.find((p) => p.name === name)?.containerPort;
    expect(port('http')).toBe(Number(envValue(container, 'PORT')));
    expect(port('metrics')).toBe(Number(envValue(container, 'METRICS_PORT')));
    // The metrics listener is loopback-only by default; a scraper in another pod needs it open.
    expect(envValue(container, 'METRICS_HOST')).toBe('0.0.0.0');
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.startupProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readiness', port: 'http' });
    const annotations = deploymentOf(layout).spec!.template.metadata!.annotations!;
    expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics' });
    expect(Number(annotations['prometheus.io/port'])).toBe(port('metrics'));
  });

  it('gives a pod longer to stop than preStop, the readiness delay and the drain take together', () => {
    const container = gatewayOf(layout);
    const [sleep, seconds] = container.lifecycle?.preStop?.exec?.command ?? [];
    expect(sleep).toBe('sleep');
    const preStopMs = Number(seconds) * 1000;
    expect(preStopMs).toBeGreaterThanOrEqual(5_000);
    const env = { ...imageEnv(), ...Object.fromEntries(container.env!.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!])) };
    const config = loadConfig({ ...env, SUPERGRAPH_FILE: 'supergraph.graphql' });
    // runGateway exits 1 second after delay + grace at the latest; kubelet's SIGKILL must come later.
    const stopsWithinMs = preStopMs + config.shutdownDelayMs + config.shutdownGraceMs + 1_000;
    expect(deploymentOf(layout).spec!.template.spec!.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(stopsWithinMs);
  });

  it('runs nothing as root, on a read-only filesystem whose writable paths are volumes of the pod', () => {
    const pod = deploymentOf(layout).spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    // The image's user is a name (`node`): runAsNonRoot can only check a number.
    expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
    const containers = [...(pod.initContainers ?? []), ...pod.containers];
    for (const container of containers) {
      expect(container.securityContext, container.name).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.securityContext!.privileged ?? false).toBe(false);
      expect(container.securityContext!.runAsUser ?? pod.securityContext!.runAsUser).not.toBe(0);
    }
    const writable = gatewayOf(layout).volumeMounts!.filter((mount) => !mount.readOnly);
    const dataDir = envValue(gatewayOf(layout), 'DATA_DIR') ?? imageEnv()['DATA_DIR'];
    expect(writable.map((mount) => mount.mountPath).sort()).toEqual([dataDir, '/tmp'].sort());
    for (const mount of writable) expect(pod.volumes!.find((volume) => volume.name === mount.name)?.emptyDir, mount.mountPath).toBeDefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
  });

  it('serves the config file and supergraph of the ConfigMap it mounts, by its generated name', () => {
    const container = gatewayOf(layout);
    const pod = deploymentOf(layout).spec!.template.spec!;
    const configMap = only<IConfigMap & Manifest>(manifests(layout), 'ConfigMap');
    expect(configMap.metadata.name).toMatch(/^tessera-config-[a-z0-9]{10}$/);
    const args = container.args!;
    const files = ['--config', '--supergraph'].map((flag) => args[args.indexOf(flag) + 1]!);
    for (const file of files) {
      const mount = container.volumeMounts!.find((m) => m.mountPath === dirname(file))!;
      expect(mount?.readOnly, file).toBe(true);
      expect(pod.volumes!.find((v) => v.name === mount.name)?.configMap?.name).toBe(configMap.metadata.name);
      const key = file.slice(dirname(file).length + 1);
      expect(configMap.data?.[key], file).toBe(readFileSync(join(KUBERNETES_DIR, 'base/config', key), 'utf8'));
    }
  });

  it('asks for CPU and memory, and keeps both heaps inside the memory limit', () => {
    const container = gatewayOf(layout);
    const { requests, limits } = container.resources!;
    expect(requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
    expect(limits).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
    const heap = Number(/--max-old-space-size=(\d+)/.exec(envValue(container, 'NODE_OPTIONS') ?? '')?.[1]);
    const compositionHeap = Number(envValue(container, 'COMPOSITION_MAX_MEMORY_MB'));
    expect(heap).toBeGreaterThan(0);
    expect(compositionHeap).toBeGreaterThan(0);
    // What is not heap (code, buffers, sockets) gets 256 MiB at least.
    expect(heap + compositionHeap + 256).toBeLessThanOrEqual(mebibytes(limits!['memory']));
    expect(mebibytes(requests!['memory'])).toBeLessThanOrEqual(mebibytes(limits!['memory']));
  });

  it('selects its own pods everywhere; the autoscaler owns the replica count and keeps two while one drains', () => {
    const deployment = deploymentOf(layout);
    const podLabels = deployment.spec!.template.metadata!.labels!;
    const selects = (selector: Record<string, string> | undefined) => expect(podLabels).toMatchObject(selector ?? { missing: 'selector' });
    selects(deployment.spec!.selector.matchLabels);
    selects(only<IService>(manifests(layout), 'Service').spec!.selector);
    const budget = only<IPodDisruptionBudget>(manifests(layout), 'PodDisruptionBudget');
    selects(budget.spec!.selector!.matchLabels);
    for (const spread of deployment.spec!.template.spec!.topologySpreadConstraints ?? []) selects(spread.labelSelector!.matchLabels);
    const autoscaler = only<IHorizontalPodAutoscaler>(manifests(layout), 'HorizontalPodAutoscaler');
    expect(autoscaler.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: (deployment as Manifest).metadata.name });
    expect(autoscaler.spec!.metrics).toEqual([expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) })]);
    expect(deployment.spec!.replicas).toBeUndefined();
    expect(budget.spec!.maxUnavailable).toBe(1);
    expect(autoscaler.spec!.minReplicas).toBeGreaterThanOrEqual(2);
    // A rollout adds a pod before it removes one.
    expect(deployment.spec!.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
    expect(only<IService>(manifests(layout), 'Service').spec!.ports).toEqual([expect.objectContaining({ targetPort: 'http' })]);
  });

  it('takes credentials from Secrets only, and names only settings Tessera reads', () => {
    const container = gatewayOf(layout);
    const secret = ['JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWT_JWKS_URL', 'ADMIN_TOKEN', ...(layout === 'base' ? [] : ['REDIS_PASSWORD'])];
    for (const name of secret) expect(container.env!.find((e) => e.name === name)?.valueFrom?.secretKeyRef, name).toBeDefined();
    for (const e of container.env!) {
      if (/SECRET|TOKEN|PASSWORD|KEY/.test(e.name)) expect(e.value, e.name).toBeUndefined();
      // A misspelt setting would be ignored in the pod; NODE_OPTIONS is Node's.
      if (e.name !== 'NODE_OPTIONS') expect(Object.keys(envSchema.shape), e.name).toContain(e.name);
    }
    expect(container.envFrom ?? []).toEqual([]);
    // Secrets are made in the cluster, never rendered from this repository.
    expect(manifests(layout).filter((m) => m.kind === 'Secret')).toEqual([]);
  });

  it('starts with settings Tessera accepts, on the shared state the layout names', () => {
    const container = gatewayOf(layout);
    // Required secret keys get a sample value; optional ones are absent, as when the Secret lacks them.
    const env: Record<string, string> = { ...imageEnv() };
    for (const e of container.env!) {
      if (e.value !== undefined) env[e.name] = e.value;
      else if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional) env[e.name] = 'sample-secret-value';
    }
    const config = loadConfig({ ...env, SUPERGRAPH_FILE: 'supergraph.graphql' });
    const expected = { base: undefined, 'overlays/single-redis': 'single', 'overlays/redis-cluster': 'cluster' }[layout];
    expect(config.redis?.kind).toBe(expected);
    if (config.redis) expect(config.redis.password).toBe('sample-secret-value');
    expect(config.production).toBe(true);
  });

  it('runs the image of this version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(gatewayOf(layout).image).toBe(`tessera:${version}`);
  });
});

describe('a team\'s overlay, as docs/deploy.md writes it', () => {
  it('replaces the config and supergraph, names the image and the namespace, and keeps the drain and the Secrets', async () => {
    const docs = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
    // The block sits in a numbered list: its lines are indented by the list's three spaces.
    const example = /```yaml\n( *# kustomization\.yaml\n[\s\S]*?) *```/.exec(docs)?.[1]?.replace(/^ {3}/gm, '');
    expect(example, 'the overlay example in docs/deploy.md').toBeDefined();
    // Beside a checkout in the docs; here inside it, where kustomize may read the overlay.
    await mkdir(join(ROOT, '.tessera'), { recursive: true });
    const dir = await mkdtemp(join(ROOT, '.tessera', 'overlay-'));
    try {
      const overlays = relative(dir, join(KUBERNETES_DIR, 'overlays'));
      await writeFile(join(dir, 'kustomization.yaml'), example!.replace(/\.\.\/deploy\/kubernetes\/overlays/g, overlays));
      await writeFile(join(dir, 'tessera.config.ts'), "import { defineConfig } from 'tessera-gateway';\nexport default defineConfig({ settings: { MAX_DEPTH: 12 } });\n");
      await writeFile(join(dir, 'supergraph.graphql'), readFileSync(join(KUBERNETES_DIR, 'base/config/supergraph.graphql'), 'utf8').replaceAll('http://reviews/graphql', 'http://reviews.graph.svc:4002/graphql'));
      const redisPatch = readFileSync(join(KUBERNETES_DIR, 'overlays/single-redis/redis.yaml'), 'utf8').replace('redis://redis-master:6379', 'rediss://cache.internal:6380/1');
      await writeFile(join(dir, 'redis.yaml'), redisPatch);
      const team = await kustomize(dir);
      for (const manifest of team) expect(validate(manifest), manifest.kind).toEqual([]);
      expect(new Set(team.map((m) => (m.metadata as { namespace?: string }).namespace))).toEqual(new Set(['graph']));
      const configMap = only<IConfigMap>(team, 'ConfigMap');
      expect(configMap.data!['tessera.config.ts']).toContain('MAX_DEPTH: 12');
      expect(configMap.data!['supergraph.graphql']).toContain('http://reviews.graph.svc:4002/graphql');
      const deployment = only<IDeployment>(team, 'Deployment');
      const pod = deployment.spec!.template.spec!;
      expect(pod.volumes!.find((v) => v.name === 'config')?.configMap?.name).toBe((configMap as Manifest).metadata.name);
      const container = pod.containers[0]!;
      expect(container.image).toBe('registry.example.com/tessera:0.1.0');
      expect(container.env!.filter((e) => e.name === 'REDIS_URL')).toEqual([{ name: 'REDIS_URL', value: 'rediss://cache.internal:6380/1' }]);
      expect(container.env!.find((e) => e.name === 'REDIS_PASSWORD')?.valueFrom?.secretKeyRef?.name).toBe('tessera-redis');
      expect(pod.terminationGracePeriodSeconds).toBe(deploymentOf('overlays/single-redis').spec!.template.spec!.terminationGracePeriodSeconds);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
