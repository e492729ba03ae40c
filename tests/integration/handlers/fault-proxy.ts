/**
 * A fault-injecting HTTP proxy in front of dynalite: it forwards every DynamoDB request, except
 * those a test told it to fail, which get the error response DynamoDB itself sends (JSON 1.0,
 * `__type` = `com.amazonaws.dynamodb.v20120810#<code>`). The SDK's own retries therefore run for
 * real, and the proxy counts the attempts.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface FaultRule {
  operation: string;
  /** The request body must contain this text (e.g. `"CLAIM#` for the claim item). */
  bodyIncludes: string;
  remaining: number;
  status: number;
  code: string;
}

export interface FaultProxy {
  endpoint: string;
  /** Fails the next `times` requests of `operation` whose body contains `bodyIncludes`. */
  failNext(rule: Omit<FaultRule, 'remaining'> & { times: number }): void;
  /** How many requests of `operation` containing `bodyIncludes` were answered with a fault. */
  faultsServed(operation: string): number;
  /** The operations requested since the last call (e.g. `PutItem`), then forgets them. */
  takeOperations(): string[];
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** Starts the proxy on 127.0.0.1 (dynamic port) in front of `target` (dynalite's endpoint). */
export const startFaultProxy = async (target: string): Promise<FaultProxy> => {
  const upstream = new URL(target);
  const rules: FaultRule[] = [];
  const served = new Map<string, number>();
  let seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (operation) seen.add(operation);
      const text = body.toString('utf8');
      const rule = rules.find((r) => r.remaining > 0 && r.operation === operation && text.includes(r.bodyIncludes));
      if (rule) {
        rule.remaining -= 1;
        served.set(operation, (served.get(operation) ?? 0) + 1);
        res.writeHead(rule.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `fault-${Date.now()}` });
        res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${rule.code}`, message: `injected ${rule.code}` }));
        return;
      }
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      forward.on('error', (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    failNext: ({ times, ...rule }) => {
      rules.push({ ...rule, remaining: times });
    },
    faultsServed: (operation) => served.get(operation) ?? 0,
    takeOperations: () => {
      const taken = [...seen].sort();
      seen = new Set();
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
