// Child-process entry of `isolate.ts`: loads one TypeScript module through tsx, runs one exported
// function on the input it is sent, sends back the value or the error, and exits.
import { Worker } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// An orphaned child must not outlive its parent, even while a WebAssembly solve blocks the main
// thread (no 'disconnect' handler could run then): a watchdog thread polls the parent every 0.5 s
// and, once it is gone, SIGKILLs this child's process group — the child with the native solvers
// (glpsol, cbc) it spawned; isolate.ts forks it detached, so it leads its own group.
new Worker(
  `const { workerData } = require('node:worker_threads');
  setInterval(() => {
    try {
      process.kill(workerData.ppid, 0);
    } catch (err) {
      if (err.code === 'ESRCH') process.kill(-process.pid, 'SIGKILL');
    }
  }, 500);`,
  { eval: true, workerData: { ppid: process.ppid } },
).unref();

register();
process.once('message', async ({ module, fn, input }) => {
  let reply;
  try {
    const mod = await import(module);
    // The second argument lets a long task report its progress over the same channel.
    reply = { ok: true, value: await mod[fn](input, (progress) => process.send({ progress })) };
  } catch (err) {
    reply = { ok: false, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  process.send(reply, () => process.exit(0));
});
