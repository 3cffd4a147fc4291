import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageEnv, only, render } from '../helpers/kubernetes.js';
import { ROOT, spawnGateway, type GatewayProcess } from '../helpers/processes.js';

/**
 * The pod deploy/kubernetes/base describes, run as a process: the image's environment with the
 * Deployment's on top, the ConfigMap's files where the container's arguments look for them, and the
 * read-only root filesystem stood in for by Node's permission model (writes allowed only to the two
 * emptyDir volumes). Then the probes and the scrape the manifests name, and a SIGTERM.
 */
describe('the Kubernetes pod', () => {
  let dir = '';
  let container: IContainer;
  let gateway: GatewayProcess;
  let confined = '';

  beforeAll(async () => {
    const manifests = await render('base');
    container = only<IDeployment>(manifests, 'Deployment').spec!.template.spec!.containers[0]!;
    const configMap = only<IConfigMap>(manifests, 'ConfigMap');
    // Inside the repository, so that the config's `import 'tessera-gateway'` finds the package (in
    // the image it is /app/node_modules/tessera-gateway).
    await mkdir(join(ROOT, '.tessera'), { recursive: true });
    dir = await mkdtemp(join(ROOT, '.tessera', 'pod-'));
    const mounts = Object.fromEntries(container.volumeMounts!.map((mount) => [mount.mountPath, join(dir, mount.name)]));
    for (const path of Object.values(mounts)) await mkdir(path);
    const configDir = mounts['/app/config']!;
    for (const [key, content] of Object.entries(configMap.data!)) await writeFile(join(configDir, key), content);

    const env: Record<string, string> = { ...imageEnv() };
    for (const e of container.env!) if (e.value !== undefined) env[e.name] = e.value;
    const dataDir = mounts[env['DATA_DIR']!]!;
    const tmp = mounts['/tmp']!;
    // What a read-only root filesystem allows: reads anywhere, writes to the volumes only. esbuild
    // (compiling the TypeScript config) runs as a child process; composition checks in a worker.
    confined = [
      env['NODE_OPTIONS'],
      '--experimental-permission',
      '--allow-fs-read=*',
      `--allow-fs-write=${dataDir}`,
      `--allow-fs-write=${tmp}`,
      '--allow-child-process',
      '--allow-worker',
    ].join(' ');
    gateway = await spawnGateway({
      entry: 'bin/tessera.js',
      args: ['serve', ...container.args!.map((arg) => arg.replace(/^\/app\/config(?=\/)/, configDir))],
      env: { ...env, NODE_OPTIONS: confined, DATA_DIR: dataDir, TMPDIR: tmp, METRICS_HOST: '127.0.0.1' },
      readyTimeoutMs: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('cannot write outside its volumes (the stand-in for readOnlyRootFilesystem holds)', async () => {
    const probe = await promisify(execFile)(process.execPath, ['-e', `require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'outside'))}, 'x')`], {
      env: { PATH: process.env['PATH'] ?? '', NODE_OPTIONS: confined },
    }).then(
      () => ({ failed: false, stderr: '' }),
      (error: { stderr: string }) => ({ failed: true, stderr: error.stderr }),
    );
    expect(probe.failed).toBe(true);
    expect(probe.stderr).toContain('ERR_ACCESS_DENIED');
  });

  it('answers its probes, its scrape and a query', async () => {
    for (const probe of [container.startupProbe!, container.livenessProbe!, container.readinessProbe!]) {
      const response = await fetch(`${gateway.url}${probe.httpGet!.path}`);
      expect(response.status, probe.httpGet!.path).toBe(200);
    }
    const scrape = await fetch(gateway.metricsUrl);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('tessera_http_request_duration_seconds');
    const answer = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
    // The graph served is the ConfigMap's example (Query.product: Product), checked without a fetch.
    const refused = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ product(id: "1") { nope } }' }),
    });
    const { errors } = (await refused.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(errors).toEqual([expect.objectContaining({ message: 'Cannot query field "nope" on type "Product".', extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })]);
    // Passing probes are not logged at info (a pod's log is not its own probes).
    expect(gateway.output()).not.toMatch(/"path":"\/readiness","status":200/);
  });

  it('drains on SIGTERM and exits 0 within its grace settings, having tried no write outside its volumes', async () => {
    // runGateway exits 1 when SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS pass before the drain ends.
    expect(await gateway.stop('SIGTERM')).toBe(0);
    expect(gateway.output()).toMatch(/"msg":"shutting down"/);
    expect(gateway.output()).not.toContain('ERR_ACCESS_DENIED');
  });
});
