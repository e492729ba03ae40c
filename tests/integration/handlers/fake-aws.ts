/**
 * SageMaker, EventBridge and SNS over HTTP for the BUNDLED handler, which runs in its own Node
 * process where aws-sdk-client-mock cannot reach its (bundled) SDK. A small server on 127.0.0.1
 * answers the calls modelgate makes in each service's wire protocol (SageMaker and EventBridge:
 * AWS JSON 1.1, selected by `X-Amz-Target`; SNS: the query protocol with an XML answer) and
 * records them. The child points the SDK at it with `AWS_ENDPOINT_URL_<SERVICE>`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeOutput } from './sdk-mocks.js';

export interface RecordedCall {
  operation: string;
  input: Record<string, unknown>;
}

export interface FakeAws {
  endpoint: string;
  calls: RecordedCall[];
  /** Registers a model package DescribeModelPackage returns. */
  register(arn: string, statisticsUri: string): void;
  close(): Promise<void>;
}

/** The JSON wire form of a DescribeModelPackage answer: dates as epoch seconds. */
const describeJson = (arn: string, uri: string): Record<string, unknown> => {
  const { $metadata: _metadata, ...output } = describeOutput(arn, uri);
  return JSON.parse(
    JSON.stringify(output, (_key, value: unknown) => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) / 1000 : value)),
  ) as Record<string, unknown>;
};

export const startFakeAws = async (): Promise<FakeAws> => {
  const packages = new Map<string, string>();
  const calls: RecordedCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = String(req.headers['x-amz-target'] ?? '');
      const json = (status: number, payload: unknown, type?: string) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake', ...(type ? { 'x-amzn-errortype': type } : {}) });
        res.end(JSON.stringify(payload));
      };
      if (target) {
        const operation = target.split('.')[1] ?? target;
        const input = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
        calls.push({ operation, input });
        switch (operation) {
          case 'DescribeModelPackage': {
            const name = String(input['ModelPackageName']);
            const uri = packages.get(name);
            return uri
              ? json(200, describeJson(name, uri))
              : json(400, { __type: 'ValidationException', message: `ModelPackage ${name} does not exist.` }, 'ValidationException');
          }
          case 'ListTags':
            return json(200, { Tags: [] });
          case 'ListModelPackages':
            return json(200, { ModelPackageSummaryList: [] });
          case 'UpdateModelPackage':
            return json(200, { ModelPackageArn: input['ModelPackageArn'] });
          case 'PutEvents': {
            const entries = (input['Entries'] as unknown[] | undefined) ?? [];
            return json(200, { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `fake-${calls.length}-${i}` })) });
          }
          default:
            return json(400, { __type: 'UnknownOperationException', message: operation }, 'UnknownOperationException');
        }
      }
      const form = Object.fromEntries(new URLSearchParams(body));
      calls.push({ operation: String(form['Action']), input: form });
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>fake-message</MessageId></PublishResult>' +
          '<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></PublishResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    register: (arn, uri) => {
      packages.set(arn, uri);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
