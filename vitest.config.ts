import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS and ESM builds; Vite would pick the ESM one while the Apollo packages
    // load the CJS one, and two graphql instances cannot share a schema. Node itself picks CJS.
    // `tessera-gateway` (the demo app's import of the package) is the source here, not a build.
    alias: [
      { find: /^graphql$/, replacement: require.resolve('graphql') },
      { find: /^tessera-gateway$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Integration tests start real servers; two cores means two files at a time.
    pool: 'forks',
    maxWorkers: 2,
    // Each worker keeps its modules from one file to the next: importing the engine and Apollo's
    // packages again for every file took as long as a third of the suite. No test stubs modules,
    // globals or the environment, so there is nothing for a file to leave behind for the next one.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { APOLLO_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'silent' },
  },
});
