// What every package's Vitest config shares: workspace packages resolved to
// their sources (no build needed), the shared leak check, and the two kinds
// of test project (Node, and a browser) over the package's src tests.
import { defineConfig, type TestProjectInlineConfiguration, type ViteUserConfig } from 'vitest/config';
import { leakCheckSetup, workspaceAliases } from './aliases.js';

type ProjectTest = NonNullable<TestProjectInlineConfiguration['test']>;

/** `config` with the workspace aliases (unless it sets its own) and the leak check run before every test. */
export function workspaceConfig(config: ViteUserConfig): ViteUserConfig {
  return defineConfig({ ...config, resolve: { alias: workspaceAliases, ...config.resolve }, test: { setupFiles: [leakCheckSetup], ...config.test } });
}

/** The package's src tests in Node, all but the browser-only ones (*.browser.test.ts); `test` adds or overrides. */
export function nodeProject(test: ProjectTest = {}): TestProjectInlineConfiguration {
  return { extends: true, test: { name: 'node', environment: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'], ...test } };
}

/** The package's src tests in a browser (a `chromiumBrowser` block), all but the Node-only ones (*.node.test.ts). */
export function browserProject(
  name: string,
  browser: ProjectTest['browser'],
  test: ProjectTest = {},
  project: TestProjectInlineConfiguration = {},
): TestProjectInlineConfiguration {
  return { extends: true, ...project, test: { name, include: ['src/**/*.test.ts'], exclude: ['src/**/*.node.test.ts'], browser, ...test } };
}
