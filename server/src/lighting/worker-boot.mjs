// Entry of the lighting thread. The project runs TypeScript through tsx with no build step; a
// worker starts with a fresh module loader, so it registers tsx for itself before loading its module.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
