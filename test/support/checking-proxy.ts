// An HTTP proxy in front of a test portal that checks every answer against the committed document, for programs
// the tests run as child processes (the nexus command line): their traffic is held to the contract too.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertDescribed } from './contract.js';

/** A running proxy: point a program at `url` instead of the portal's. */
export interface CheckingProxy {
  url: string;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// Hop-by-hop headers and those fetch sets itself are not forwarded.
const SKIPPED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** Forwards every request to `target` and checks each answer there (a violation fails the test in afterEach). */
export async function startCheckingProxy(target: string): Promise<CheckingProxy> {
  const server = createServer(async (request, response) => {
    try {
      const method = request.method ?? 'GET';
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (!SKIPPED.has(name) && typeof value === 'string') headers.set(name, value);
      }
      const body = method === 'GET' || method === 'HEAD' ? undefined : await bodyOf(request);
      const answer = await fetch(`${target}${request.url ?? '/'}`, { method, headers, body });
      const text = await answer.text();
      try {
        assertDescribed({
          method,
          url: request.url ?? '/',
          status: answer.status,
          headers: answer.headers,
          text,
        });
      } catch {
        // Kept as a violation: the test that caused it fails after it, while the program gets its answer.
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!SKIPPED.has(name) && name !== 'content-encoding') out[name] = value;
      });
      response.writeHead(answer.status, out);
      response.end(text);
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`proxy: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
