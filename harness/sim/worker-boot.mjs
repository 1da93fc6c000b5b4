// Worker-thread entry: register the TypeScript loader, then start the job worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
