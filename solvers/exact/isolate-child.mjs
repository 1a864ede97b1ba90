// Child-process entry of `isolate.ts`: loads one TypeScript module through tsx, runs one exported
// function on the input it is sent, sends back the value or the error, and exits.
import { register } from 'tsx/esm/api';

register();
// An orphaned child must not outlive its parent (the channel closes when the parent dies).
process.on('disconnect', () => process.exit(1));
process.once('message', async ({ module, fn, input }) => {
  let reply;
  try {
    const mod = await import(module);
    reply = { ok: true, value: await mod[fn](input) };
  } catch (err) {
    reply = { ok: false, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  process.send(reply, () => process.exit(0));
});
