/** The campaign's cases for the local stack's HTTP API. */
import type { HostileCase, Observation } from './case.js';
import { EVENT_FIELDS, EVENT_WRONG_TYPES, REPORTS, URIS, withValueAt } from './hostile-data.js';
import { observeHttp, rawRequest, request } from './http-runner.js';
import { modelPackage } from './workspace.js';
import { ESC, stateChange, type CaseContext } from './case-context.js';

// ---------------------------------------------------------------- HTTP API

const http = (ctx: CaseContext, id: string, expect: HostileCase['expect'], send: (port: number, signal: AbortSignal) => Promise<Observation>): HostileCase => ({
  entry: 'http',
  id,
  expect,
  run: (signal) => send(ctx.http().port, signal),
});

/** Registers `pkg` in the stack's registry, posts its state change, and observes (with the registry's status). */
const postEventFor = async (ctx: CaseContext, pkg: Record<string, unknown>, event: unknown, signal: AbortSignal): Promise<Observation> => {
  const stack = ctx.http();
  await stack.register(pkg);
  const res = await request(stack.port, 'POST', '/events', JSON.stringify(event), {}, signal);
  return observeHttp(res, stack.drain(), await stack.approvalOf(String(pkg['ModelPackageArn'])));
};

const plain =
  (ctx: CaseContext, method: string, path: string, body?: string | Uint8Array, headers: Record<string, string> = {}) =>
  async (port: number, signal: AbortSignal) =>
    observeHttp(await request(port, method, path, body, headers, signal), ctx.http().drain());

export const httpCases = (ctx: CaseContext): HostileCase[] => {
  const { ws } = ctx;
  const cases: HostileCase[] = [];
  const pkgWith = (uri: string, group = 'gate-http') => modelPackage(ws.nextVersion(), uri, {}, group);
  cases.push(
    http(ctx, 'control/event-good-report', 'approve', (_p, signal) => {
      const pkg = pkgWith('file:reports/good.json');
      return postEventFor(ctx, pkg, stateChange(pkg), signal);
    }),
  );
  for (const r of REPORTS) {
    cases.push(
      http(ctx, `report/${r.name}`, r.expect, (_p, signal) => {
        ws.write(`reports/h-${r.name}.json`, r.content);
        const pkg = pkgWith(`file:reports/h-${r.name}.json`);
        return postEventFor(ctx, pkg, stateChange(pkg), signal);
      }),
    );
  }
  for (const u of URIS.filter((x) => !x.subprocessOnly)) {
    cases.push(
      http(ctx, `uri/${u.name}`, u.expect, (_p, signal) => {
        const pkg = pkgWith(u.uri(ws));
        return postEventFor(ctx, pkg, stateChange(pkg), signal);
      }),
    );
  }
  for (const field of EVENT_FIELDS) {
    for (const [label, value] of EVENT_WRONG_TYPES) {
      cases.push(
        http(ctx, `event/${field.path.join('.')}=${label}`, field.expect, (_p, signal) => {
          const pkg = pkgWith('file:reports/good.json');
          return postEventFor(ctx, pkg, withValueAt(stateChange(pkg), field.path, value), signal);
        }),
      );
    }
  }
  const bodies: Array<[string, HostileCase['expect'], string | Uint8Array]> = [
    ['entries-null', 'input-error', '{"Entries":[null]}'],
    ['entries-number', 'input-error', '{"Entries":[42]}'],
    ['entries-string', 'input-error', '{"Entries":"x"}'],
    ['entries-detail-invalid-json', 'input-error', '{"Entries":[{"Source":"aws.sagemaker","DetailType":"SageMaker Model Package State Change","Detail":"{"}]}'],
    ['entries-detail-null', 'input-error', '{"Entries":[{"Source":"aws.sagemaker","DetailType":"SageMaker Model Package State Change","Detail":"null"}]}'],
    ['entries-detail-number', 'input-error', '{"Entries":[{"Source":"aws.sagemaker","DetailType":"SageMaker Model Package State Change","Detail":42}]}'],
    ['entries-proto', 'input-error', '{"Entries":[{"__proto__":{"Source":"aws.sagemaker"}}]}'],
    ['array-of-null', 'input-error', '[null]'],
    ['array-of-numbers', 'input-error', '[1,2,3]'],
    ['empty-array', 'any', '[]'],
    ['json-null', 'input-error', 'null'],
    ['json-number', 'input-error', '42'],
    ['json-string', 'input-error', '"event"'],
    ['not-json', 'input-error', '{"source":'],
    ['empty', 'input-error', ''],
    ['bom-then-json', 'any', '\ufeff{"source":"x"}'],
    ['duplicate-keys', 'input-error', '{"source":"aws.sagemaker","source":"aws.bedrock","detail-type":"x"}'],
    ['deep-nesting', 'input-error', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['proto-event', 'input-error', '{"__proto__":{"source":"aws.sagemaker","detail-type":"SageMaker Model Package State Change"}}'],
    ['invalid-utf8', 'input-error', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ['nul-bytes', 'input-error', '\u0000\u0000'],
    ['unsupported-source-control-chars', 'input-error', `{"source":"x${ESC}[2J","detail-type":"y${ESC}]0;t\u0007"}`],
    ['bedrock-wrong-shape', 'input-error', '{"source":"aws.bedrock","detail-type":"Model Customization Job State Change","detail":42}'],
    [
      'many-ignored-events',
      'any',
      JSON.stringify(Array.from({ length: 500 }, () => ({ source: 'aws.sagemaker', 'detail-type': 'SageMaker Model Package State Change', detail: {} }))),
    ],
  ];
  for (const [label, expect, body] of bodies) cases.push(http(ctx, `body/${label}`, expect, plain(ctx, 'POST', '/events', body)));
  cases.push(
    http(ctx, 'body/8MB', 'input-error', plain(ctx, 'POST', '/events', Buffer.alloc(8 * 1024 * 1024, 0x20))),
    http(ctx, 'body/1MB-plus-one', 'input-error', plain(ctx, 'POST', '/events', Buffer.alloc(1024 * 1024 + 1, 0x20))),
    http(ctx, 'body/content-length-lies-short', 'any', async (port, signal) =>
      observeHttp(
        await rawRequest(port, 'POST /events HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5', '{"Entries":[null]}', signal),
        ctx.http().drain(),
      ),
    ),
    http(ctx, 'body/content-length-lies-long', 'any', async (port, signal) => {
      // The client stops sending: a server may drop such a request without an answer (not a crash), but must not 500.
      const res = await rawRequest(port, 'POST /events HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100000', '{}', signal, true);
      return { ...observeHttp(res, ctx.http().drain()), crash: res.status === 500 ? 'HTTP 500' : null };
    }),
    http(ctx, 'body/content-length-negative', 'input-error', async (port, signal) =>
      observeHttp(await rawRequest(port, 'POST /events HTTP/1.1\r\nContent-Length: -1', '{}', signal), ctx.http().drain()),
    ),
    http(ctx, 'body/chunked-8MB', 'input-error', async (port, signal) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const parts: Buffer[] = [];
      for (let i = 0; i < 128; i++) parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
      parts.push(Buffer.from('0\r\n\r\n'));
      return observeHttp(
        await rawRequest(port, 'POST /events HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json', Buffer.concat(parts), signal),
        ctx.http().drain(),
      );
    }),
    http(ctx, 'body/gzip-encoded-garbage', 'any', plain(ctx, 'POST', '/events', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]), { 'Content-Encoding': 'gzip' })),
    http(ctx, 'body/text-plain', 'any', plain(ctx, 'POST', '/events', 'hello', { 'Content-Type': 'text/plain' })),
    http(
      ctx,
      'body/multipart',
      'input-error',
      plain(ctx, 'POST', '/events', '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n', {
        'Content-Type': 'multipart/form-data; boundary=b',
      }),
    ),
  );
  const routes: Array<[string, HostileCase['expect'], string, string]> = [
    ['get-events', 'input-error', 'GET', '/events'],
    ['put-events', 'input-error', 'PUT', '/events'],
    ['delete-runs', 'input-error', 'DELETE', '/runs'],
    ['patch-run', 'input-error', 'PATCH', '/runs/run-x'],
    ['options-health', 'any', 'OPTIONS', '/health'],
    ['trace-health', 'any', 'TRACE', '/health'],
    ['made-up-method', 'any', 'FROBNICATE', '/health'],
    ['post-health', 'input-error', 'POST', '/health'],
    ['run-bad-escape', 'input-error', 'GET', '/runs/%ZZ'],
    ['run-truncated-escape', 'input-error', 'GET', '/runs/%E0%A4%A'],
    ['run-encoded-nul', 'input-error', 'GET', '/runs/%00'],
    ['run-encoded-traversal', 'input-error', 'GET', '/runs/..%2F..%2Fetc%2Fpasswd'],
    ['run-proto', 'input-error', 'GET', '/runs/__proto__'],
    ['run-constructor', 'input-error', 'GET', '/runs/constructor'],
    ['run-unknown', 'input-error', 'GET', '/runs/run-01nope'],
    ['run-nested', 'input-error', 'GET', '/runs/a/b'],
    ['double-slash', 'input-error', 'GET', '//runs'],
    ['bare-percent', 'input-error', 'GET', '/%'],
    ['unknown-route', 'input-error', 'GET', '/admin'],
    ['absolute-uri-form', 'any', 'GET', 'http://evil.example.com/health'],
    ['asterisk-form', 'any', 'OPTIONS', '*'],
    ['runs-status-bogus', 'input-error', 'GET', '/runs?status=bogus'],
    ['runs-status-bad-escape', 'input-error', 'GET', '/runs?status=%ZZ'],
    ['runs-since-garbage', 'input-error', 'GET', '/runs?since=garbage'],
    ['runs-limit-negative', 'input-error', 'GET', '/runs?limit=-1'],
    ['runs-limit-huge', 'input-error', 'GET', '/runs?limit=1e9'],
    ['runs-limit-fraction', 'input-error', 'GET', '/runs?limit=1.5'],
    ['runs-limit-text', 'input-error', 'GET', '/runs?limit=abc'],
    ['runs-group-control-chars', 'any', 'GET', '/runs?group=%1B%5B2J'],
    ['runs-group-bad-escape', 'any', 'GET', '/runs?group=%ZZ'],
    ['runs-repeated-params', 'any', 'GET', '/runs?status=approve&status=reject&limit=1&limit=2'],
    ['long-path-64KB', 'any', 'GET', `/runs/${'a'.repeat(64 * 1024)}`],
  ];
  for (const [label, expect, method, path] of routes) cases.push(http(ctx, `route/${label}`, expect, plain(ctx, method, path)));
  cases.push(
    http(ctx, 'protocol/garbage-request-line', 'any', async (port, signal) =>
      observeHttp(await rawRequest(port, '\u0000\u0001\u0002 garbage', '', signal), ctx.http().drain()),
    ),
    http(ctx, 'protocol/http-0.9', 'any', async (port, signal) => {
      const res = await rawRequest(port, 'GET /health', '', signal);
      // A server may drop an HTTP/0.9 request without an answer: that is not a crash.
      return { ...observeHttp(res, ctx.http().drain()), crash: res.status === 500 ? 'HTTP 500' : null };
    }),
    http(ctx, 'protocol/huge-header', 'any', async (port, signal) => {
      const res = await rawRequest(port, `GET /health HTTP/1.1\r\nX-Big: ${'a'.repeat(100_000)}`, '', signal);
      return { ...observeHttp(res, ctx.http().drain()), crash: res.status === 500 ? 'HTTP 500' : null };
    }),
  );
  return cases;
};
