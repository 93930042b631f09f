// A static model server on 127.0.0.1 for the http(s):// handler's tests (Node
// tests start it directly; the Chromium project through globalSetup).
//   PUT  /files/<path>     store the body at <path> (tests craft files this way)
//   POST /upload/<dir>     store a multipart model (fields 'model.json', 'model.weights.bin') under <dir>/
//   GET  /files/<path>     serve a stored file; under /files/private/ only with 'Authorization: Bearer let-me-in'
//   GET  /endless          an endless body (the loader must stop reading)
// Every response allows any origin (the test page is served from another port).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUTH } from './server_auth.js';

export { AUTH };

export interface ModelServer {
  url: string;
  files: Map<string, Uint8Array>;
  close(): Promise<void>;
}

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, PUT, POST, OPTIONS',
};

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function handle(files: Map<string, Uint8Array>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const send = (status: number, body: string | Uint8Array = '', type = 'text/plain'): void => {
    res.writeHead(status, { ...cors, 'content-type': type });
    res.end(body);
  };
  if (req.method === 'OPTIONS') return send(204);
  if (path === '/endless') {
    res.writeHead(200, { ...cors, 'content-type': 'application/octet-stream' });
    const chunk = new Uint8Array(64 * 1024);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => res.destroy());
    return pump();
  }
  if (path.startsWith('/upload/') && req.method === 'POST') {
    const form = await new Request('http://x', {
      method: 'POST',
      headers: req.headers as Record<string, string>,
      body: new Uint8Array(await bodyOf(req)),
    }).formData();
    const dir = path.slice('/upload/'.length);
    const fields: Array<[string, FormDataEntryValue]> = [];
    form.forEach((value, field) => fields.push([field, value]));
    for (const [field, value] of fields) {
      if (typeof value === 'string') return send(400, `field ${field} is not a file`);
      files.set(`${dir}/${field}`, new Uint8Array(await value.arrayBuffer()));
    }
    return send(200, `stored ${fields.map(([f]) => f).join(', ')}`);
  }
  if (!path.startsWith('/files/')) return send(404, 'no such route');
  const key = path.slice('/files/'.length);
  if (req.method === 'PUT') {
    files.set(key, new Uint8Array(await bodyOf(req)));
    return send(200, 'stored');
  }
  if (key.startsWith('private/') && req.headers.authorization !== AUTH) return send(401, 'unauthorized');
  const file = files.get(key);
  if (!file) return send(404, `no file ${key}`);
  return send(200, file, key.endsWith('.json') ? 'application/json' : 'application/octet-stream');
}

export async function startModelServer(): Promise<ModelServer> {
  const files = new Map<string, Uint8Array>();
  const server: Server = createServer((req, res) => {
    handle(files, req, res).catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500, cors);
      res.end(String(e.message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
