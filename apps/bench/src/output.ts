/** Writing a run: latest.json, latest.md, latest.html in the output folder; pasting the table into READMEs. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { toHtml } from './report_html.js';
import { toMarkdown, toProfileMarkdown } from './report_md.js';
import type { BenchResults } from './types.js';

export const START_MARKER = '<!-- bench:start -->';
export const END_MARKER = '<!-- bench:end -->';

/** latest.json, latest.md, latest.html; with --profile also profile.md. */
export function writeOutputs(results: BenchResults, outDir: string): { json: string; md: string; html: string; profile?: string } {
  mkdirSync(outDir, { recursive: true });
  const files = { json: join(outDir, 'latest.json'), md: join(outDir, 'latest.md'), html: join(outDir, 'latest.html') };
  writeFileSync(files.json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(files.md, toMarkdown(results));
  writeFileSync(files.html, toHtml(results));
  if (!results.profiles?.length) return files;
  const profile = join(outDir, 'profile.md');
  writeFileSync(profile, toProfileMarkdown(results));
  return { ...files, profile };
}

/** Replace what lies between the bench markers of `readme` with `markdown`. */
export function pasteBetweenMarkers(readme: string, markdown: string, file = 'README'): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`${file}: needs the markers ${START_MARKER} and ${END_MARKER} (in that order) where the table goes`);
  return `${readme.slice(0, start + START_MARKER.length)}\n${markdown.trim()}\n${readme.slice(end)}`;
}

export function updateReadme(readmePath: string, markdown: string): void {
  writeFileSync(readmePath, pasteBetweenMarkers(readFileSync(readmePath, 'utf8'), markdown, readmePath));
}

/** The npm workspace root above `from` (the folder whose package.json has "workspaces"), if any. */
export function workspaceRoot(from: string = process.cwd()): string | null {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // not JSON: keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
