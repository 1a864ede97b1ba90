import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COLUMNS_DOC_PATH, COLUMN_SECTIONS, columnsMarkdown } from './columns-doc.ts';

describe('docs/COLUMNS.md', () => {
  it('equals the text generated from harness/sweep/columns.ts (regenerate: npx tsx harness/report/columns-doc.ts)', () => {
    expect(readFileSync(COLUMNS_DOC_PATH, 'utf8')).toBe(columnsMarkdown());
  });

  it('documents unique snake_case columns, each with a description', () => {
    for (const s of COLUMN_SECTIONS) {
      const names = s.columns.map((c) => c.name);
      expect(new Set(names).size, s.title).toBe(names.length);
      for (const c of s.columns) {
        expect(c.name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
        expect(c.description.length, c.name).toBeGreaterThan(5);
        // the unit is in the name (docs/experiments.md, "Outputs of every run")
        if (c.unit === 'USD') expect(c.name, c.name).toMatch(/_usd$/);
        if (c.unit === 's') expect(c.name, c.name).toMatch(/_s$/);
      }
    }
  });
});
