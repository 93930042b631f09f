// The README example extraction and the print check (fast; no packing).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './packages.js';
import { checkPrints, instrumented, onBackend, readmeExamples } from './readme.js';

const md = (name: string, code: string): string => `text\n\n<!-- example: ${name} (checked) -->\n\`\`\`ts\n${code}\n\`\`\`\n`;

describe('readmeExamples', () => {
  it('finds the marked blocks and their documented outputs; the text after two spaces is prose', () => {
    const [e] = [
      ...readmeExamples(
        md('one', "import '@polytensor/backend-ts';\nconsole.log(f(x).y());   // [[2, 4], [6, 8]]  (d/dx of x² is 2x)\nconsole.log(ok);   // yes it is"),
      ).values(),
    ];
    expect(e!.name).toBe('one');
    expect(e!.prints).toEqual([
      { line: 2, expression: 'f(x).y()', output: '[[2, 4], [6, 8]]' },
      { line: 3, expression: 'ok', output: 'yes it is' },
    ]);
  });

  it('ignores unmarked blocks and refuses a print without its documented output', () => {
    expect(readmeExamples('```ts\nconsole.log(1);\n```\n').size).toBe(0);
    expect(() => readmeExamples(md('bad', 'console.log(1);'))).toThrow(/'bad', line 1: console.log without its output/);
    expect(() => readmeExamples(md('quiet', 'const a = 1;'))).toThrow(/prints nothing to check/);
    expect(() => readmeExamples(md('twice', 'console.log(1); // 1') + md('twice', 'console.log(1); // 1'))).toThrow(/two examples are named 'twice'/);
  });

  it("the README's examples are there: ten-lines, keras, functional and tfjs-ops", () => {
    const names = [...readmeExamples(readFileSync(join(REPO, 'README.md'), 'utf8')).keys()];
    expect(names).toEqual(expect.arrayContaining(['ten-lines', 'keras', 'functional', 'tfjs-ops']));
  });
});

describe('instrumented / onBackend / checkPrints', () => {
  const [e] = [...readmeExamples(md('ex', "import '@polytensor/backend-ts';\nconsole.log(a.b());  // [1, 2]\nconsole.log(c > 1);   // true")).values()];

  it('tags each documented print and prints it as JSON, leaving the rest as written', () => {
    expect(instrumented(e!)).toBe(
      "import '@polytensor/backend-ts';\nconsole.log('packed:print:ex:0', JSON.stringify(a.b()));  // [1, 2]\nconsole.log('packed:print:ex:1', JSON.stringify(c > 1));   // true",
    );
    expect(onBackend(e!.code, 'wasm')).toContain("import '@polytensor/backend-wasm';");
    expect(() => onBackend('const a = 1;', 'wasm')).toThrow(/imports no '@polytensor\/backend-ts'/);
  });

  it('accepts the documented outputs in order and reports wrong, missing, reordered and extra ones', () => {
    expect(checkPrints([e!], ['noise', 'packed:print:ex:0 [1,2]', 'packed:print:ex:1 true'])).toEqual([]);
    expect(checkPrints([e!], ['packed:print:ex:0 [1,3]', 'packed:print:ex:1 true'])).toEqual(['ex: console.log(a.b()) printed [1,3]; the README says [1, 2]']);
    expect(checkPrints([e!], ['packed:print:ex:0 [1,2]'])).toEqual(['ex: no output for console.log(c > 1) (documented: true)']);
    expect(checkPrints([e!], ['packed:print:ex:1 true', 'packed:print:ex:0 [1,2]'])).toHaveLength(2);
    expect(checkPrints([e!], ['packed:print:ex:0 [1,2]', 'packed:print:ex:1 true', 'packed:print:ex:1 true'])).toEqual([
      'unexpected extra prints: packed:print:ex:1 true',
    ]);
  });
});
