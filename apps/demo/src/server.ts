// `npm start`: runs the demo, prints the URL to open, serves until Ctrl-C (then removes the
// containers it made).
import { parseDemoArgs, USAGE } from './cli-options.js';
import { startDemo } from './index.js';

let options: ReturnType<typeof parseDemoArgs>;
try {
  options = parseDemoArgs(process.argv.slice(2), process.env);
} catch (error) {
  console.error(
    `sluice demo: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`,
  );
  process.exit(2);
}
if (options === 'help') {
  console.log(USAGE);
  process.exit(0);
}
const demo = await startDemo(options);
console.log(`sluice demo listening on ${demo.url}`);
console.log(
  'Open that address in a browser (the token is the key: share the view link instead). Ctrl-C to stop.',
);
const stop = (): void => {
  void demo.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
