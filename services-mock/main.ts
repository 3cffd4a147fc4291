// `npm run mocks`: all five services on fixed ports until SIGINT/SIGTERM.
import { DEFAULT_PORTS, MOCK_NAMES, startAllMocks, type MockName } from './index.js';

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

const base = envNumber('MOCK_PORT_BASE');
const ports = Object.fromEntries(
  MOCK_NAMES.map((name, i) => [name, base === undefined ? DEFAULT_PORTS[name] : base + i + 1]),
) as Record<MockName, number>;

const mocks = await startAllMocks({ ports, latencyMs: envNumber('MOCK_LATENCY_MS') ?? 0 });
for (const name of MOCK_NAMES) {
  const path = name === 'reviews' || name === 'inventory' ? '/graphql' : '';
  console.log(`${name.padEnd(9)} ${mocks[name].url}${path}`);
}

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) process.exit(1); // second signal: do not wait
  stopping = true;
  console.log(`${signal}: stopping mocks`);
  mocks.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
