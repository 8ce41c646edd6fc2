import { expect } from 'chai';
import { roleAtLeast } from '../../core/domain.js';

describe('roles (core/domain)', () => {
  it('each role may do what the roles before it may, and no more', () => {
    expect(roleAtLeast('admin', 'staff')).to.equal(true);
    expect(roleAtLeast('admin', 'user')).to.equal(true);
    expect(roleAtLeast('staff', 'user')).to.equal(true);
    expect(roleAtLeast('staff', 'admin')).to.equal(false);
    expect(roleAtLeast('user', 'staff')).to.equal(false);
  });
});
