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
import { classifyFailure } from '../core/outcomes.js';
import { parseStrictJson, StrictJsonError } from '../core/strict-json.js';
import type { Decision } from '../core/run.js';
import type { ConsoleOutbox } from '../adapters/local/console-outbox.js';

/** The largest request body the API reads (docs/cli.md): larger ones get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * How much of an over-limit body is read and discarded so that a client that sends everything
 * before it reads still gets its 413. Past this the connection is closed (the client sees a reset).
 */
export const MAX_DISCARD_BYTES = 64 * 1024 * 1024;
/** Events per request: PutEvents' own limit. */
export const MAX_EVENTS = 10;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const tooLarge = (what: string) =>
  new HttpError(413, `request body ${what} the limit of ${MAX_BODY_BYTES} bytes (send at most ${MAX_EVENTS} events of a usual size per request)`);

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * Reads and discards the rest of a request body the API will not use, up to
 * {@link MAX_DISCARD_BYTES}; then closes the connection.
 */
const discardRest = (req: IncomingMessage): Promise<void> =>
  new Promise((resolve) => {
    if (req.readableEnded || req.destroyed) return resolve();
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > MAX_DISCARD_BYTES) {
        req.socket.destroy();
        resolve();
      }
    });
    req.once('end', () => resolve());
    req.once('close', () => resolve());
    req.resume();
  });

/**
 * Sends the answer. When the client is still sending (a body over the limit), the answer goes out
 * at once, for a client that reads while it sends, but the response ends only once the body has
 * been read to its end: closing earlier resets the connection under a client that sends
 * everything first, which then never sees its 413.
 */
const send = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(text) });
  if (req.readableEnded) return void res.end(text);
  res.write(text);
  void discardRest(req).then(() => res.end());
};

/** The request body, at most {@link MAX_BODY_BYTES}: checked against content-length first, then while it streams. */
const readBody = (req: IncomingMessage): Promise<Buffer> => {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) return Promise.reject(tooLarge(`of ${declared} bytes (content-length) is over`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      stop();
      req.pause();
      reject(tooLarge('streamed past'));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      stop();
      reject(new HttpError(400, `the request body could not be read: ${err.message}`));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The one place an HTTP body becomes a value: UTF-8 (strictly), not empty, JSON. Every problem is
 * a 400 that says where. The strict reader refuses duplicate keys and bare NaN/Infinity, and its
 * messages give line and column without quoting the body.
 */
export const parseJsonBody = (bytes: Uint8Array): unknown => {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HttpError(400, '(body): is not valid UTF-8 (expected JSON text)');
  }
  if (text.trim() === '') throw new HttpError(400, 'empty body: expected an EventBridge event (JSON)');
  try {
    return parseStrictJson(text, 'request body', { nonFinite: 'reject' });
  } catch (err) {
    throw new HttpError(400, (err as Error).message);
  }
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How a value shows in an error message: its kind, never its content. */
const kindOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? `an array of ${v.length}`
      : typeof v === 'object'
        ? 'an object'
        : typeof v === 'string'
          ? 'a string'
          : `a ${typeof v}`;

const badShape = (where: string, expected: string, got: string) => new HttpError(400, `${where}: expected ${expected} (got ${got})`);

/** The Detail of a PutEvents entry: a JSON object, given as a string (as PutEvents takes it) or inline. */
const detailOf = (value: unknown, where: string): Record<string, unknown> => {
  const expected = 'a JSON object, as a string or inline';
  if (isObject(value)) return value;
  if (typeof value !== 'string') throw badShape(where, expected, kindOf(value));
  let parsed: unknown;
  try {
    parsed = parseStrictJson(value, where, { nonFinite: 'reject' });
  } catch (err) {
    throw badShape(where, expected, `a string that is not JSON: ${err instanceof StrictJsonError ? err.detail : 'unreadable'}`);
  }
  if (!isObject(parsed)) throw badShape(where, expected, `a string holding ${kindOf(parsed)}`);
  return parsed;
};

/** One PutEvents entry, checked, as the event EventBridge would deliver. */
const eventOfEntry = (entry: unknown, i: number): Record<string, unknown> => {
  const where = `/Entries/${i}`;
  if (!isObject(entry)) throw badShape(where, 'an object with Source, DetailType and Detail', kindOf(entry));
  for (const key of ['Source', 'DetailType']) {
    const v = entry[key];
    if (typeof v !== 'string' || v === '')
      throw badShape(`${where}/${key}`, 'a string', v === undefined ? 'nothing' : v === '' ? 'an empty string' : kindOf(v));
  }
  const resources = entry['Resources'] ?? [];
  if (!Array.isArray(resources)) throw badShape(`${where}/Resources`, 'an array of ARNs', kindOf(resources));
  resources.forEach((r, j) => {
    if (typeof r !== 'string') throw badShape(`${where}/Resources/${j}`, 'a string (an ARN)', kindOf(r));
  });
  const detail = detailOf(entry['Detail'], `${where}/Detail`);
  return {
    version: '0',
    id: `local-${Date.now()}-${i}`,
    'detail-type': entry['DetailType'],
    source: entry['Source'],
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'local',
    resources,
    detail,
  };
};

/**
 * Events from a body: one event, an array of 1 to {@link MAX_EVENTS} events, or a PutEvents body
 * `{ Entries: [{ Source, DetailType, Detail }] }`. Shape problems are a 400 naming the JSON path;
 * what an event itself holds is checked by the event handler, as in the deployed stack.
 */
const eventsOf = (body: unknown): unknown[] => {
  const count = (n: number, where: string, got: string) => {
    if (n < 1 || n > MAX_EVENTS) throw badShape(where, `1 to ${MAX_EVENTS} events`, got);
  };
  if (Array.isArray(body)) {
    count(body.length, '(body)', body.length === 0 ? 'an empty array: at least one event is needed' : `${body.length}`);
    body.forEach((e, i) => {
      if (!isObject(e)) throw badShape(`/${i}`, 'an object (an EventBridge event)', kindOf(e));
    });
    return body;
  }
  if (!isObject(body)) throw badShape('(body)', 'an object: an EventBridge event, or a PutEvents body {"Entries": [...]}; or an array of events', kindOf(body));
  if (!('Entries' in body)) return [body];
  const entries = body['Entries'];
  if (!Array.isArray(entries)) throw badShape('/Entries', `an array of 1 to ${MAX_EVENTS} entries`, kindOf(entries));
  count(entries.length, '/Entries', `${entries.length} entries`);
  return entries.map(eventOfEntry);
};

/** The request target as a URL; one that is none (`//`, `//host:99999/x`) is the client's error. */
const requestUrl = (target: string): URL => {
  try {
    return new URL(target, 'http://127.0.0.1');
  } catch {
    throw new HttpError(400, `the request target "${target.slice(0, 200)}" is not a valid path (expected e.g. /runs/<runId>)`);
  }
};

/** The run id of `/runs/<runId>`, percent-decoded; a malformed escape is the client's error. */
const runIdOf = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `/runs/${segment.slice(0, 200)}: malformed percent escape in the run id (expected %XX with two hex digits, UTF-8)`);
  }
};

const DECISIONS = new Set(['approve', 'reject', 'needs_review']);

const route = async (services: AppServices, outbox: ConsoleOutbox, req: IncomingMessage): Promise<[number, unknown]> => {
  const url = requestUrl(req.url ?? '/');
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
    for (const event of eventsOf(parseJsonBody(await readBody(req)))) {
      try {
        const outcome = await handleRegistryEvent(services, event);
        results.push(
          outcome.action === 'ignore'
            ? { eventId: outcome.eventId, action: 'ignore', reason: outcome.reason }
            : outcome.action === 'promote'
              ? { eventId: outcome.eventId, action: 'promote', ...outcome.outcome }
              : outcome.outcome.status === 'in_progress'
                ? { eventId: outcome.eventId, action: 'evaluate', status: 'in_progress', runId: outcome.outcome.runId }
                : {
                    eventId: outcome.eventId,
                    action: 'evaluate',
                    runId: outcome.outcome.run.runId,
                    decision: outcome.outcome.run.decision,
                    duplicate: outcome.outcome.duplicate,
                  },
        );
      } catch (err) {
        // An event's own problem answers that event; anything else (transient, a bug) fails the request.
        const outcome = classifyFailure(err);
        if (outcome.httpStatus >= 500 && outcome.kind !== 'not_built') throw err;
        results.push({ action: 'rejected', status: outcome.httpStatus, error: (err as Error).message });
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
    return [200, await showRun(services, runIdOf(runMatch[1]!))];
  }
  if (url.pathname === '/outbox') {
    only('GET');
    return [200, { entries: outbox.entries.slice(-100) }];
  }
  throw new HttpError(404, `no route ${method} ${url.pathname}; routes: GET /health, POST /events, GET /runs, GET /runs/<runId>, GET /outbox`);
};

/** Starts the API on 127.0.0.1:`port` (0 = any free port). */
export const startLocalApi = async (
  services: AppServices,
  outbox: ConsoleOutbox,
  port: number,
): Promise<{ url: string; server: Server; close(): Promise<void> }> => {
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    route(services, outbox, req).then(
      ([status, body]) => send(req, res, status, body),
      (err) => {
        if (err instanceof HttpError) return send(req, res, err.status, { error: err.message });
        // The shared table (src/core/outcomes.ts): input problems are 4xx, transient 503, 500 only for a bug.
        const outcome = classifyFailure(err);
        const message = err instanceof Error ? err.message : String(err);
        if (outcome.kind === 'transient')
          return send(req, res, outcome.httpStatus, { error: `temporary failure upstream, nothing was recorded; retry: ${message}` });
        if (outcome.kind === 'unexpected') {
          services.logger.error('local API request failed', { error: message });
          return send(req, res, outcome.httpStatus, { error: `internal error: ${message}` });
        }
        return send(req, res, outcome.httpStatus, { error: message });
      },
    );
  };
  const server = createServer(handle);
  // `Expect: 100-continue` with a body over the limit: refuse before the client sends it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) {
      const text = JSON.stringify({ error: tooLarge(`of ${req.headers['content-length']} bytes (content-length) is over`).message }, null, 2);
      res.writeHead(413, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(text), connection: 'close' });
      return void res.end(text);
    }
    res.writeContinue();
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
