/**
 * The local stack's HTTP endpoint on 127.0.0.1: accepts EventBridge-shaped events (as EventBridge
 * would deliver them to the Lambda) and serves a read-only JSON API over the runs — the seed of the
 * on-call page.
 *
 *   GET  /health                 { status, version }
 *   POST /events                 one event, an array of events, or a PutEvents body { Entries: [...] }
 *   GET  /runs?status=&group=&since=&limit=
 *   GET  /runs/<runId>           the run and its audit trail
 *   GET  /outbox                 recent events and notifications
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleRegistryEvent } from '../app/handle-registry-event.js';
import { listRuns, showRun } from '../app/review-runs.js';
import type { AppServices } from '../app/services.js';
import { InvalidInputError, isTransientFailure, NotBuiltError, NotFoundError } from '../core/errors.js';
import type { Decision } from '../core/run.js';
import type { ConsoleOutbox } from '../adapters/local/console-outbox.js';

const MAX_BODY_BYTES = 1024 * 1024;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
};

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'empty body: expected an EventBridge event (JSON)');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `body is not valid JSON: ${(err as Error).message}`);
  }
};

/** Events from a body: one event, an array, or PutEvents `{ Entries: [{ Source, DetailType, Detail }] }`. */
const eventsOf = (body: unknown): unknown[] => {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null && Array.isArray((body as { Entries?: unknown }).Entries)) {
    return (body as { Entries: Array<Record<string, unknown>> }).Entries.map((e, i) => {
      let detail: unknown = e['Detail'];
      if (typeof detail === 'string') {
        try {
          detail = JSON.parse(detail);
        } catch {
          throw new HttpError(400, `Entries[${i}].Detail is not valid JSON`);
        }
      }
      return { version: '0', id: `local-${Date.now()}-${i}`, 'detail-type': e['DetailType'], source: e['Source'], account: '000000000000', time: new Date().toISOString(), region: 'local', resources: e['Resources'] ?? [], detail };
    });
  }
  return [body];
};

const DECISIONS = new Set(['approve', 'reject', 'needs_review']);

const route = async (services: AppServices, outbox: ConsoleOutbox, req: IncomingMessage): Promise<[number, unknown]> => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const only = (allowed: string) => {
    if (method !== allowed) throw new HttpError(405, `${method} not allowed on ${url.pathname} (use ${allowed})`);
  };
  if (url.pathname === '/health') {
    only('GET');
    return [200, { status: 'ok', version: services.serviceVersion }];
  }
  if (url.pathname === '/events') {
    only('POST');
    const results = [];
    for (const event of eventsOf(await readBody(req))) {
      try {
        const outcome = await handleRegistryEvent(services, event);
        results.push(
          outcome.action === 'ignore'
            ? { eventId: outcome.eventId, action: 'ignore', reason: outcome.reason }
            : outcome.action === 'promote'
              ? { eventId: outcome.eventId, action: 'promote', ...outcome.outcome }
              : outcome.outcome.status === 'in_progress'
              ? { eventId: outcome.eventId, action: 'evaluate', status: 'in_progress', runId: outcome.outcome.runId }
              : { eventId: outcome.eventId, action: 'evaluate', runId: outcome.outcome.run.runId, decision: outcome.outcome.run.decision, duplicate: outcome.outcome.duplicate },
        );
      } catch (err) {
        if (err instanceof InvalidInputError) results.push({ action: 'rejected', status: 400, error: err.message });
        else if (err instanceof NotFoundError) results.push({ action: 'rejected', status: 404, error: err.message });
        else if (err instanceof NotBuiltError) results.push({ action: 'rejected', status: 501, error: err.message });
        else throw err;
      }
    }
    const failed = results.filter((r) => 'status' in r && typeof r.status === 'number');
    return [failed.length === results.length && failed.length > 0 ? (failed[0] as { status: number }).status : 200, { results }];
  }
  if (url.pathname === '/runs') {
    only('GET');
    const status = url.searchParams.get('status');
    if (status !== null && !DECISIONS.has(status)) throw new HttpError(400, `status must be one of approve, reject, needs_review (got "${status}")`);
    const since = url.searchParams.get('since');
    if (since !== null && Number.isNaN(Date.parse(since))) throw new HttpError(400, `since "${since}" is not a date`);
    const limitText = url.searchParams.get('limit');
    const limit = limitText === null ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new HttpError(400, `limit must be a whole number from 1 to 1000 (got "${limitText}")`);
    const group = url.searchParams.get('group');
    const runs = await listRuns(services, {
      ...(status ? { decision: status as Decision } : {}),
      ...(group ? { group } : {}),
      ...(since ? { since: new Date(since).toISOString() } : {}),
      limit,
    });
    return [200, { runs }];
  }
  const runMatch = /^\/runs\/([^/]+)$/.exec(url.pathname);
  if (runMatch) {
    only('GET');
    try {
      return [200, await showRun(services, decodeURIComponent(runMatch[1]!))];
    } catch (err) {
      if (err instanceof NotFoundError) throw new HttpError(404, err.message);
      throw err;
    }
  }
  if (url.pathname === '/outbox') {
    only('GET');
    return [200, { entries: outbox.entries.slice(-100) }];
  }
  throw new HttpError(404, `no route ${method} ${url.pathname}; routes: GET /health, POST /events, GET /runs, GET /runs/<runId>, GET /outbox`);
};

/** Starts the API on 127.0.0.1:`port` (0 = any free port). */
export const startLocalApi = async (services: AppServices, outbox: ConsoleOutbox, port: number): Promise<{ url: string; server: Server; close(): Promise<void> }> => {
  const server = createServer((req, res) => {
    route(services, outbox, req).then(
      ([status, body]) => send(res, status, body),
      (err) => {
        if (err instanceof HttpError) return send(res, err.status, { error: err.message });
        if (isTransientFailure(err)) return send(res, 503, { error: `temporary failure upstream, nothing was recorded; retry: ${(err as Error).message}` });
        services.logger.error('local API request failed', { error: (err as Error).message });
        return send(res, 500, { error: `internal error: ${(err as Error).message}` });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};
