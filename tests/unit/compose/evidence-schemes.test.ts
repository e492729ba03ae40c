/**
 * Issue 9, row 1: the composition decides which evidence URI schemes are read. Deployed
 * (composeAws): s3: only, so a registrant's `file:/proc/self/environ` reads nothing and the
 * error says which schemes this deployment accepts. No AWS call is made: clients are only built.
 */
import { describe, expect, it } from '@jest/globals';
import { openEvidenceSet } from '../../../src/app/evidence-reader.js';
import { composeAws, evidenceRootsFrom } from '../../../src/compose.js';
import { EvidenceError } from '../../../src/core/errors.js';

const quietLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('evidence schemes per composition', () => {
  it('deployed: s3: only; a file: URI is an EvidenceError naming the accepted schemes', async () => {
    // Prepare
    const services = composeAws(
      {
        MODELGATE_LEDGER_TABLE: 'ledger',
        MODELGATE_EVENT_BUS: 'bus',
        MODELGATE_SIGNING_KEY_ARN: 'arn:aws:kms:eu-west-1:111111111111:key/k',
        AWS_REGION: 'eu-west-1',
      },
      { logger: quietLogger },
    );
    // Act
    const schemes = services.artifacts.flatMap((s) => [...s.schemes]);
    const evidence = openEvidenceSet([{ name: 'q', uri: 'file:/proc/self/environ', source: 'ModelMetrics' }], services.artifacts);
    const read = evidence['q']!.json();
    // Assess
    expect(schemes).toEqual(['s3']);
    await expect(read).rejects.toThrow(EvidenceError);
    await expect(read).rejects.toThrow(
      'file:/proc/self/environ: unsupported scheme "file:" (supported: s3://; this deployment reads evidence from no other scheme)',
    );
  });

  it('local: MODELGATE_EVIDENCE_ROOTS lists directories by the path delimiter, relative to the working directory', () => {
    expect(evidenceRootsFrom('/data/reports: build/out ::', '/repo')).toEqual(['/data/reports', '/repo/build/out']);
    expect(evidenceRootsFrom(undefined, '/repo')).toEqual([]);
  });
});
