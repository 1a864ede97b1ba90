import highsModule from 'highs';
import { testInstance } from './solvers/exact/test-instances.ts';
import { buildModel, modelSize } from './solvers/exact/model.ts';
import { toLpText } from './solvers/exact/lp-format.ts';
const loader = highsModule as unknown as typeof highsModule.default;
const [tighten, extra] = [process.argv[2] !== 'loose', JSON.parse(process.argv[3] ?? '{}')];
const inst = testInstance({ I: 20, J: 20, K: 20 }, 1, 'average');
const model = buildModel(inst, { tighten });
console.log('model', modelSize(model));
const highs = await loader();
const mib = () => (highs.memoryBytes / 2 ** 20).toFixed(0) + ' MiB';
console.log('after load', mib());
const m = highs.createModel({ format: 'lp', data: toLpText(model) });
console.log('after createModel', mib());
const t0 = Date.now();
let peak = highs.memoryBytes;
const timer = setInterval(() => {}, 1000);
try {
  m.options.set({ time_limit: 60, mip_rel_gap: 1e-4, output_flag: true, log_to_console: true, ...extra });
  m.run();
  console.log('status', m.getModelStatus(), 'obj', m.info.get('objective_function_value'), 'bound', m.info.get('mip_dual_bound'), 'after run', mib());
} catch (e) {
  console.log('THREW after', (Date.now() - t0) / 1000, 's:', String(e).slice(0, 200), 'heap', mib());
}
clearInterval(timer);
