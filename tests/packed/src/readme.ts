// The README's runnable examples: fenced TypeScript blocks marked with an HTML
// comment `<!-- example: NAME … -->` right above them. Each `console.log(…)`
// line in such a block documents its output in a trailing comment; the text
// up to the first run of two spaces is the output (what follows is prose):
//   console.log(y.arraySync());   // [[8, 11], [16, 23]]  (an explanation)

export interface DocumentedPrint {
  /** 1-based line in the block. */
  readonly line: number;
  /** The printed expression. */
  readonly expression: string;
  /** The documented output: JSON when it parses as JSON (then compared as a value), else text. */
  readonly output: string;
}

export interface ReadmeExample {
  readonly name: string;
  /** The block's code as the README shows it. */
  readonly code: string;
  readonly prints: readonly DocumentedPrint[];
}

const MARKED_BLOCK = /<!--\s*example:\s*([a-z0-9-]+)\b[^>]*-->[ \t]*\r?\n```(?:ts|typescript)\r?\n([\s\S]*?)\r?\n```/g;
const PRINT_LINE = /^(\s*)console\.log\((.*?)\);?(\s+\/\/\s*(.*))?$/;

/** Every marked example, by name. Throws when a name repeats or a console.log documents no output. */
export function readmeExamples(markdown: string): Map<string, ReadmeExample> {
  const examples = new Map<string, ReadmeExample>();
  for (const [, name, code] of markdown.matchAll(MARKED_BLOCK)) {
    if (examples.has(name!)) throw new Error(`README: two examples are named '${name}'`);
    const prints: DocumentedPrint[] = [];
    code!.split(/\r?\n/).forEach((text, i) => {
      const m = PRINT_LINE.exec(text);
      if (!m) return;
      const comment = m[4]?.trim();
      if (!comment) throw new Error(`README example '${name}', line ${i + 1}: console.log without its output in a trailing // comment: ${text.trim()}`);
      prints.push({ line: i + 1, expression: m[2]!, output: comment.split(/\s{2,}/)[0]! });
    });
    if (prints.length === 0) throw new Error(`README example '${name}' prints nothing to check`);
    examples.set(name!, { name: name!, code: code!, prints });
  }
  return examples;
}

/** The tag a checked print carries, so it can be told from everything else on the console. */
export const PRINT_TAG = 'packed:print';

/**
 * The example with each documented console.log tagged and its value printed
 * as JSON (`console.log('packed:print:NAME:K', JSON.stringify(value))`), the
 * same in Node and in a browser console. Nothing else changes.
 */
export function instrumented(example: ReadmeExample): string {
  const lines = example.code.split(/\r?\n/);
  example.prints.forEach((p, k) => {
    const m = PRINT_LINE.exec(lines[p.line - 1]!)!;
    lines[p.line - 1] = `${m[1]}console.log('${PRINT_TAG}:${example.name}:${k}', JSON.stringify(${p.expression}));${m[3] ?? ''}`;
  });
  return lines.join('\n');
}

/** The example with its backend import swapped for another backend's (`'@polytensor/backend-ts'` → `'@polytensor/backend-NAME'`). */
export function onBackend(code: string, backend: string): string {
  const swapped = code.replace(/(['"])@polytensor\/backend-ts\1/g, `$1@polytensor/backend-${backend}$1`);
  if (backend !== 'ts' && swapped === code)
    throw new Error(`a README example imports no '@polytensor/backend-ts' to swap for '@polytensor/backend-${backend}'`);
  return swapped;
}

/** Does the printed JSON match the documented output? */
export function matchesDocumented(printedJson: string, documented: string): boolean {
  let printed: unknown;
  try {
    printed = JSON.parse(printedJson);
  } catch {
    return false;
  }
  let expected: unknown = documented;
  try {
    expected = JSON.parse(documented);
  } catch {
    // plain text
  }
  return JSON.stringify(printed) === JSON.stringify(expected);
}

/**
 * Check the tagged prints found in `lines` (console lines, in order) against
 * the examples: each documented print exactly once, in order, with its
 * documented output. Returns the problems (empty when all match).
 */
export function checkPrints(examples: readonly ReadmeExample[], lines: readonly string[]): string[] {
  const problems: string[] = [];
  const tagged = lines.filter((l) => l.startsWith(`${PRINT_TAG}:`));
  const want = examples.flatMap((e) => e.prints.map((p, k) => ({ tag: `${PRINT_TAG}:${e.name}:${k}`, example: e.name, print: p })));
  want.forEach((w, i) => {
    const got = tagged[i];
    if (got === undefined) {
      problems.push(`${w.example}: no output for console.log(${w.print.expression}) (documented: ${w.print.output})`);
      return;
    }
    const space = got.indexOf(' ');
    const tag = space < 0 ? got : got.slice(0, space);
    const value = space < 0 ? '' : got.slice(space + 1);
    if (tag !== w.tag) problems.push(`${w.example}: expected the output of console.log(${w.print.expression}) next, got ${got}`);
    else if (!matchesDocumented(value, w.print.output)) {
      problems.push(`${w.example}: console.log(${w.print.expression}) printed ${value}; the README says ${w.print.output}`);
    }
  });
  if (tagged.length > want.length) problems.push(`unexpected extra prints: ${tagged.slice(want.length).join(' | ')}`);
  return problems;
}
