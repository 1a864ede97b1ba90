/**
 * A structural check of Jupyter notebooks against the parts of the nbformat v4.5 JSON schema that
 * `alloc-bench notebooks` uses, for the tests (the official `nbformat.validate` needs Python).
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isMultiline = (v: unknown) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'));

/** The parts of the nbformat v4.5 JSON schema our notebooks use; returns what is wrong, if anything. */
export function nbformatProblems(nb: unknown): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  if (!isObj(nb)) return ['notebook is not an object'];
  check(JSON.stringify(Object.keys(nb).sort()) === '["cells","metadata","nbformat","nbformat_minor"]', `top-level keys ${Object.keys(nb)}`);
  check(nb.nbformat === 4 && nb.nbformat_minor === 5, 'nbformat 4.5');
  const meta = nb.metadata;
  check(isObj(meta) && isObj(meta.kernelspec) && typeof meta.kernelspec.name === 'string' && typeof meta.kernelspec.display_name === 'string', 'metadata.kernelspec');
  check(isObj(meta) && (meta.language_info === undefined || (isObj(meta.language_info) && typeof meta.language_info.name === 'string')), 'metadata.language_info');
  if (!Array.isArray(nb.cells)) return [...problems, 'cells is not an array'];
  const ids = new Set<unknown>();
  nb.cells.forEach((c: unknown, i) => {
    if (!isObj(c)) return problems.push(`cell ${i} is not an object`);
    const keys = { markdown: ['cell_type', 'id', 'metadata', 'source'], code: ['cell_type', 'execution_count', 'id', 'metadata', 'outputs', 'source'] }[String(c.cell_type)];
    if (!keys) return problems.push(`cell ${i}: cell_type ${c.cell_type}`);
    check(JSON.stringify(Object.keys(c).filter((k) => k !== 'attachments').sort()) === JSON.stringify(keys), `cell ${i}: keys ${Object.keys(c)}`);
    check(typeof c.id === 'string' && /^[a-zA-Z0-9-_]+$/.test(c.id) && c.id.length <= 64 && !ids.has(c.id), `cell ${i}: id ${c.id} (pattern, length, unique)`);
    ids.add(c.id);
    check(isObj(c.metadata), `cell ${i}: metadata`);
    check(isMultiline(c.source), `cell ${i}: source`);
    if (c.cell_type !== 'code') return;
    check(c.execution_count === null || (Number.isInteger(c.execution_count) && Number(c.execution_count) >= 0), `cell ${i}: execution_count`);
    if (!Array.isArray(c.outputs)) return problems.push(`cell ${i}: outputs`);
    c.outputs.forEach((o: unknown, j) => {
      const where = `cell ${i} output ${j}`;
      if (!isObj(o)) return problems.push(`${where} is not an object`);
      const okeys = { execute_result: ['data', 'execution_count', 'metadata', 'output_type'], display_data: ['data', 'metadata', 'output_type'] }[String(o.output_type)];
      if (!okeys) return problems.push(`${where}: output_type ${o.output_type}`);
      check(JSON.stringify(Object.keys(o).sort()) === JSON.stringify(okeys), `${where}: keys ${Object.keys(o)}`);
      check(isObj(o.metadata), `${where}: metadata`);
      if (!isObj(o.data)) return problems.push(`${where}: data`);
      for (const [mime, v] of Object.entries(o.data)) {
        check(/^[a-z]+\/[a-zA-Z0-9.+-]+$/.test(mime), `${where}: MIME ${mime}`);
        // JSON MIME types may hold any JSON; every other one a (multiline) string.
        check(/^application\/(.*\+)?json$/.test(mime) || isMultiline(v), `${where}: ${mime} is not a string`);
      }
    });
  });
  return problems;
}
