import { describe, expect, it } from '@jest/globals';
import { isTransientFailure, TransientFailureError } from '../../../src/core/errors.js';

describe('isTransientFailure', () => {
  it.each([
    ['TransientFailureError', new TransientFailureError('x'), true],
    ['an adapter error with retryable: true', Object.assign(new Error('x'), { retryable: true }), true],
    [
      'an adapter error with retryable: false, even if throttled by name',
      Object.assign(new Error('x'), { retryable: false, name: 'ThrottlingException' }),
      false,
    ],
    ['an SDK error marked $retryable', Object.assign(new Error('x'), { $retryable: { throttling: true } }), true],
    ['an SDK server fault', Object.assign(new Error('x'), { $fault: 'server', name: 'InternalError' }), true],
    ['S3 SlowDown by name', Object.assign(new Error('x'), { name: 'SlowDown' }), true],
    ['a reset connection by code', Object.assign(new Error('x'), { code: 'ECONNRESET' }), true],
    ['AccessDenied', Object.assign(new Error('x'), { name: 'AccessDenied', $fault: 'client' }), false],
    ['a plain Error', new Error('boom'), false],
    ['a string', 'boom', false],
    ['null', null, false],
  ])('%s -> %p', (_name, error, expected) => {
    expect(isTransientFailure(error)).toBe(expected);
  });
});
