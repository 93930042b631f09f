// What core's '#file-io' import means when tests run its source: a build maps
// it by package.json "imports" conditions (Node: the file system module;
// browsers: the stub), so Node tests get file_node.ts and browser tests
// file_unavailable.ts, which then never loads Node code into the page.
type FileIo = typeof import('../../packages/core/src/train/io/file_node.js');

// biome-ignore lint/suspicious/noUndeclaredEnvVars: Vite's own flag (server-side, i.e. Node), not a process variable turbo could track
const io: FileIo = import.meta.env.SSR
  ? await import('../../packages/core/src/train/io/file_node.js')
  : await import('../../packages/core/src/train/io/file_unavailable.js');

export const { saveFile, saveTfjsFile, loadFile } = io;
