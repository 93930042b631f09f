// globalSetup of the Chromium project: the model server runs in Node; tests get its URL via inject('modelServerUrl').
import type { TestProject } from 'vitest/node';
import { startModelServer } from './model_server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    modelServerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startModelServer();
  project.provide('modelServerUrl', server.url);
  return () => server.close();
}
