/**
 * Runs one ephemeral stack in its own process, so a benchmark's load generator does not share
 * the server's event loop: `node --import tsx bench/stack-process.ts <options-json>`. Prints one
 * JSON line `{"ready": {...StackInfo, pid}}` once every service answers; SIGINT stops it.
 * Unlike `watchroom start`, it accepts any StackOptions (benchmarks lift Realtime's rate limits).
 */
import { createStack, stackInfo } from '../stack/src/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}');
const stack = await createStack({ ephemeral: true, ...options });
process.stdout.write(`${JSON.stringify({ ready: { ...stackInfo(stack), pid: process.pid } })}\n`);
process.on('SIGINT', () => {
  void stack.stop().then(() => process.exit(0));
});
