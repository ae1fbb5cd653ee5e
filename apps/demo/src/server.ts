// `npm start`: runs the demo and says where it listens.
import { startDemo } from './index.js';

const port = Number(process.env.PORT ?? 8080);
const { url } = await startDemo({ port, host: process.env.HOST ?? '127.0.0.1' });
console.log(`sluice demo listening on ${url}`);
console.log('The browser terminal is not built yet: this page only says so. Ctrl-C to stop.');
