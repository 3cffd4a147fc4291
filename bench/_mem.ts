import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { startMockServices, remoteSupergraphYaml } from './lib/mockServices.js';
import { SCENARIOS, TOKEN_SCOPES } from './scenarios.js';
import { signDevToken } from '../src/auth/devToken.js';
const root = '/work/main';
const mocks = await startMockServices(root, { remote: true });
writeFileSync('/tmp/t/sg.yaml', remoteSupergraphYaml(root, mocks.urls));
const secret = 'bench-secret-of-at-least-32-bytes-long!!';
const flags = (process.env.FLAGS ?? '').split(' ').filter(Boolean);
const child = spawn(process.execPath, [...flags, 'bench/results/build/bench/tessera.js'], { env: { ...process.env, BENCH_REMOTE: '1', SUPERGRAPH_CONFIG: '/tmp/t/sg.yaml', PORT: '4555', METRICS_PORT: '4556', HOST: '127.0.0.1', LOG_LEVEL: 'warn', JWT_SECRET: secret, REDIS_URL: 'redis://127.0.0.1:6379/9', RESPONSE_CACHE: 'false', ...(process.env.EXTRA ? JSON.parse(process.env.EXTRA) : {}) }, stdio: 'inherit' });
for (let i = 0; i < 100; i++) { try { const r = await fetch('http://127.0.0.1:4555/readiness'); if (r.ok) break; } catch {} await new Promise((r) => setTimeout(r, 200)); }
const mem = async (label: string) => {
  const text = await (await fetch('http://127.0.0.1:4556/metrics')).text();
  const pick = (n: string) => Number((text.match(new RegExp(`^${n} (\\S+)`, 'm')) ?? [])[1] ?? NaN) / 2 ** 20;
  const spaces = [...text.matchAll(/^tessera_nodejs_heap_space_size_used_bytes\{space="(\w+)"\} (\S+)/gm)].map(([, s, v]) => `${s}=${(Number(v) / 2 ** 20).toFixed(0)}`).join(' ');
  console.log(label, 'rss', pick('tessera_process_resident_memory_bytes').toFixed(0), 'heapTotal', pick('tessera_nodejs_heap_size_total_bytes').toFixed(0), 'heapUsed', pick('tessera_nodejs_heap_size_used_bytes').toFixed(0), 'external', pick('tessera_nodejs_external_memory_bytes').toFixed(0), spaces);
};
await mem('start');
const heavy = SCENARIOS.find((s) => s.name === 'heavy')!;
const tokens = await Promise.all(Array.from({ length: 16 }, (_, i) => signDevToken({ secret, sub: String(i + 1), scopes: [...TOKEN_SCOPES] })));
const end = Date.now() + Number(process.env.SECS ?? 10) * 1000;
let n = 0;
let peak = 0; const sampler = setInterval(async () => { try { const t = await (await fetch('http://127.0.0.1:4556/metrics')).text(); const v = Number((t.match(/^tessera_process_resident_memory_bytes (\S+)/m) ?? [])[1]) / 2 ** 20; if (v > peak) peak = v; } catch {} }, 500);
await Promise.all(tokens.map(async (t) => { while (Date.now() < end) { const r = await fetch('http://127.0.0.1:4555/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` }, body: JSON.stringify(heavy.body) }); await r.text(); n++; } }));
clearInterval(sampler); console.log('peak rss sampled', peak.toFixed(0)); await mem(`after ${n} req`); await new Promise((r) => setTimeout(r, 8000)); await mem('8s idle'); if (process.env.SNAP) { process.kill(child.pid!, 'SIGUSR2'); await new Promise((r) => setTimeout(r, 15000)); await mem('after snapshot (full GC)'); }
child.kill(); mocks.child.kill();
process.exit(0);
