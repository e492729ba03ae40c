/**
 * The local stack's HTTP API for the campaign: `composeLocal` + `startLocalApi` on 127.0.0.1 in
 * process, and raw HTTP/1.1 over a socket so that a case may send what a client library refuses to
 * (bad methods, bad percent escapes, lying headers, bodies past the limit).
 */
import { connect } from 'node:net';
import { startLocalApi } from '../../src/local/http-api.js';
import { composeLocal, type LocalStack } from '../../src/compose.js';
import type { ModelPackage } from '../../src/core/model-package.js';
import { STACK_FRAME, type Observation } from './case.js';
import type { Workspace } from './workspace.js';

export interface HttpStack {
  port: number;
  stack: LocalStack;
  /** Log lines and outbox lines written since the last `drain()`. */
  drain(): string;
  register(pkg: Record<string, unknown>): Promise<void>;
  /** The registry's approval status of `arn` (an evaluation with apply writes it). */
  approvalOf(arn: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export const startHttpStack = async (ws: Workspace): Promise<HttpStack> => {
  let logs = '';
  const line = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    if (logs.length < 1 << 20) logs += `${level} ${message} ${JSON.stringify(extra ?? {})}\n`;
  };
  const logger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  const stack = await composeLocal({
    stateDir: ws.httpState,
    policies: ws.policyDir,
    seedFrom: null,
    baseDir: ws.work,
    logger,
    outboxSink: (l) => void (logs += `${l}\n`),
  });
  const api = await startLocalApi(stack.services, stack.outbox, 0);
  return {
    port: Number(new URL(api.url).port),
    stack,
    drain: () => {
      const text = logs;
      logs = '';
      return text;
    },
    register: (pkg) => stack.registry.register(pkg as unknown as ModelPackage),
    approvalOf: async (arn) => {
      try {
        return (await stack.registry.describe(arn)).ModelApprovalStatus;
      } catch {
        return undefined;
      }
    },
    close: async () => {
      await api.close();
      await stack.close();
    },
  };
};

export interface RawResponse {
  status: number | null;
  body: string;
  /** The connection ended (or was reset) without a status line. */
  noResponse: boolean;
  error?: string;
}

/**
 * Sends `head` (request line + headers, without the blank line) and `body`; reads the whole answer.
 * `halfClose` ends the sending side after the body (for requests that lie about their length).
 */
export const rawRequest = (port: number, head: string, body: Uint8Array | string = '', signal?: AbortSignal, halfClose = false): Promise<RawResponse> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    let error: string | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: m ? Number(m[1]) : null, body: split >= 0 ? text.slice(split + 4) : text, noResponse: !m, ...(error ? { error } : {}) });
    };
    signal?.addEventListener('abort', () => socket.destroy(), { once: true });
    socket.on('data', (d: Buffer) => {
      if (size < 1 << 20) chunks.push(d);
      size += d.length;
    });
    socket.on('error', (err) => {
      error = (err as NodeJS.ErrnoException).code ?? err.message;
    });
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(`${head}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      if (typeof body === 'string' ? body.length > 0 : body.byteLength > 0) socket.write(body);
      // Half-close: the server sees the end of the body even when content-length lies (it may then drop the request).
      if (halfClose) socket.end();
    });
  });

/** A request with a JSON/text body and a correct Content-Length. */
export const request = (
  port: number,
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<RawResponse> => {
  const bytes = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = [`${method} ${path} HTTP/1.1`];
  const hdrs: Record<string, string> = { ...(bytes ? { 'Content-Type': 'application/json', 'Content-Length': String(bytes.byteLength) } : {}), ...headers };
  for (const [k, v] of Object.entries(hdrs)) lines.push(`${k}: ${v}`);
  return rawRequest(port, lines.join('\r\n'), bytes ?? '', signal);
};

/** The decisions a POST /events answer reports. */
const decisionsIn = (body: string): string[] => {
  try {
    const doc = JSON.parse(body) as { results?: Array<{ decision?: unknown }> };
    return (doc.results ?? []).map((r) => String(r?.decision ?? ''));
  } catch {
    return [];
  }
};

/** Judges an HTTP answer (plus the logs meanwhile and, for events, the registry's status of `arn`). */
export const observeHttp = (res: RawResponse, logs: string, registryStatus?: string): Observation => {
  let crash: string | null = null;
  if (res.noResponse) crash = `no HTTP response (${res.error ?? 'connection closed'})`;
  else if (res.status === 500) crash = `HTTP 500: ${res.body.slice(0, 200)}`;
  else if (STACK_FRAME.test(res.body)) crash = 'a stack trace in the response';
  const decisions = decisionsIn(res.body);
  return {
    outcome: res.noResponse ? 'no response' : `HTTP ${String(res.status)}${decisions.length ? ` (${decisions.join(',')})` : ''}`,
    approved: decisions.includes('approve') || registryStatus === 'Approved',
    inputError: res.status !== null && res.status >= 400 && res.status < 500,
    crash,
    timedOut: false,
    texts: [res.body, logs],
    humanTexts: [],
  };
};
