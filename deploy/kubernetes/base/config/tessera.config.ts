// The config the Deployment serves (mounted at /app/config from the tessera-config ConfigMap).
// Replace it with your team's tessera.config.ts (docs/package.md): its settings are defaults under
// the Deployment's environment, and it may import `tessera-gateway` and Node's own modules; a config
// that needs more packages goes into an image built FROM tessera (docs/deploy.md).
import { defineConfig } from 'tessera-gateway';

export default defineConfig({
  // Engine settings by their environment name (docs/configuration.md). Per-deployment values and
  // secrets belong in the Deployment's env; settings that travel with the app belong here.
  settings: {},
});
