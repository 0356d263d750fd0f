// Entry of a render worker run from source: a worker starts with a fresh module loader, so it
// registers tsx for itself first. (From the CLI bundle, dist/cli/render-worker.mjs runs directly.)
import { register } from 'tsx/esm/api';

register();
await import('./render-worker.ts');
