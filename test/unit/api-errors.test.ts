import { expect } from 'chai';
import { QueryFailedError } from 'typeorm';
import { toAppError } from '../../api/errors.js';

const driverError = (code: string) => Object.assign(new Error(code), { code });

describe('API error mapping (api/errors toAppError)', () => {
  it('answers a database that is unreachable or went away as 503 SERVICE_UNAVAILABLE, not as a bug', () => {
    for (const e of [driverError('ECONNREFUSED'), new QueryFailedError('SELECT 1', [], driverError('PROTOCOL_CONNECTION_LOST'))]) {
      expect(toAppError(e)).to.include({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    }
  });

  it('keeps other database failures and unknown errors as 500 INTERNAL', () => {
    expect(toAppError(new QueryFailedError('SELECT x', [], driverError('ER_BAD_FIELD_ERROR'))).code).to.equal('INTERNAL');
    expect(toAppError(new Error('boom')).code).to.equal('INTERNAL');
  });
});
