// Child-process fixture for the PipeStream.fromStdio test: echoes five bytes over stdio,
// closes the stream, then checks the console still works. The process must then exit by
// itself, although its stdin is still open.
import { PipeStream } from '../pipe.js';

const stream = PipeStream.fromStdio();
const data = await stream.readExactly(5);
await stream.writeAll(data);
await stream.close();
console.log('|console.log still works');
process.stdout.write('|stdout still works\n');
console.error('stderr still works');
