/**
 * The local stack's HTTP API under hostile requests (issue 9, rows 9, 10 and 15): every input
 * problem is a 4xx the client actually receives, naming what was wrong; never a 500, never a reset.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { startStack, tempHome } from '../support/cli.js';

type Stack = Awaited<ReturnType<typeof startStack>>;

const post = async (url: string, body: string | Buffer) => {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as { error?: string; results?: unknown[] } };
};

/**
 * Sends the whole request, then reads the answer: what a simple client (Python's http.client,
 * a shell script) does. A server that stops reading and closes makes such a client see a reset.
 */
const rawPost = (url: string, body: Buffer, opts: { chunked: boolean }): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? -1), text }));
    socket.on('connect', async () => {
      const head = `POST /events HTTP/1.1\r\nHost: ${hostname}:${port}\r\ncontent-type: application/json\r\nconnection: close\r\n`;
      const write = (chunk: string | Buffer) => new Promise<void>((done) => (socket.write(chunk) ? done() : socket.once('drain', done)));
      if (!opts.chunked) {
        await write(`${head}content-length: ${body.length}\r\n\r\n`);
        await write(body);
        return;
      }
      await write(`${head}transfer-encoding: chunked\r\n\r\n`);
      for (let at = 0; at < body.length; at += 64 * 1024) {
        const piece = body.subarray(at, at + 64 * 1024);
        await write(`${piece.length.toString(16)}\r\n`);
        await write(piece);
        await write('\r\n');
      }
      await write('0\r\n\r\n');
    });
  });

/** A GET with a request target exactly as given (fetch would normalise it). */
const rawGet = (url: string, target: string): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nconnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? -1), text }));
  });

describe('the local API under hostile requests', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(tempHome('modelgate-hostile-http-'));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each([
    ['a null entry', '{"Entries":[null]}', '/Entries/0', 'an object'],
    ['an entry without Source', '{"Entries":[{"DetailType":"x","Detail":"{}"}]}', '/Entries/0/Source', 'a string'],
    ['a numeric DetailType', '{"Entries":[{"Source":"aws.sagemaker","DetailType":7,"Detail":"{}"}]}', '/Entries/0/DetailType', 'a string'],
    ['a Detail that is not JSON', '{"Entries":[{"Source":"aws.sagemaker","DetailType":"x","Detail":"{nope"}]}', '/Entries/0/Detail', 'not JSON'],
    ['a Detail that is an array', '{"Entries":[{"Source":"aws.sagemaker","DetailType":"x","Detail":[1]}]}', '/Entries/0/Detail', 'a JSON object'],
    ['Entries that is not an array', '{"Entries":"all of them"}', '/Entries', 'an array'],
    ['no entries', '{"Entries":[]}', '/Entries', '1 to 10'],
    ['a null body', 'null', '(body)', 'an object'],
    ['a number', '42', '(body)', 'an object'],
    ['an array holding null', '[null]', '/0', 'an object'],
    ['an empty array', '[]', '(body)', 'at least one event'],
  ])('POST /events with %s is 400 naming where and what was expected', async (_name, body, where, expected) => {
    // Act
    const res = await post(`${stack.url}/events`, body);
    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(where);
    expect(res.body.error).toContain(expected);
  });

  it.each([
    [
      'a body with a key given twice',
      '{"Entries":[{"Source":"aws.sagemaker","Source":"aws.bedrock","DetailType":"x","Detail":"{}"}]}',
      'duplicate key "Source"',
      'line 1',
    ],
    [
      'a Detail string with a key given twice',
      '{"Entries":[{"Source":"aws.sagemaker","DetailType":"x","Detail":"{\\"a\\":1,\\"a\\":2}"}]}',
      '/Entries/0/Detail',
      'duplicate key "a"',
    ],
    ['a bare NaN', '{"Entries":[{"Source":"aws.sagemaker","DetailType":"x","Detail":{"v":NaN}}]}', 'request body', 'line 1'],
  ])('POST /events with %s is 400 saying where, without quoting the body', async (_name, body, where, expected) => {
    const res = await post(`${stack.url}/events`, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(where);
    expect(res.body.error).toContain(expected);
  });

  it.each(['//', '//x:99999/runs', '//[/runs'])('GET %s (a request target that is no URL) is 400, not 500', async (target) => {
    const res = await rawGet(stack.url, target);
    expect(res.status).toBe(400);
    expect(res.text).toContain('request target');
  });

  it('GET /runs/<5000 characters> is 404 with the id cut short, without asking the ledger', async () => {
    const res = await fetch(`${stack.url}/runs/${'a'.repeat(5000)}`);
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/^run not found: a+…$/);
    expect(error.length).toBeLessThan(100);
  });

  it.each(['/runs/%ZZ', '/runs/%E0%A4%A', '/runs/%'])('GET %s is 400, not 500', async (path) => {
    const res = await fetch(`${stack.url}${path}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/percent/);
  });

  it.each([
    ['with a content-length', false],
    ['chunked, so that it streams past the limit', true],
  ])('answers an 8 MB body %s with a 413 the client receives, stating the limit', async (_name, chunked) => {
    // Act: the client writes all 8 MB before it reads
    const res = await rawPost(`${stack.url}/events`, Buffer.alloc(8 * 1024 * 1024, 0x20), { chunked });
    // Assess
    expect(res.status).toBe(413);
    expect(res.text).toContain('1048576 bytes');
  });

  it('still serves after the hostile requests', async () => {
    const res = await fetch(`${stack.url}/health`);
    expect(res.status).toBe(200);
  });
});
