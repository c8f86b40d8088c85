/** Keys as rt-monitor reads them (src/core/keys.ts): a row's key exactly as sent, a parameter forgiving only slips. */
import { expect } from '@open-wc/testing';
import { normalizeKey, rowKey, sameKey } from '../../src/core/keys.js';

const GUID = 'BBBBBBBB-BBBB-4BBB-8BBB-BBBBBBBBBBBB';

describe('keys', () => {
  it('a row key is exactly what the database sent: case and spaces kept (QA24 H1)', () => {
    expect([GUID, GUID.toLowerCase(), 'dup', ' dup', 'trailing '].map((id) => rowKey({ id }))).to.deep.equal([GUID, GUID.toLowerCase(), 'dup', ' dup', 'trailing ']);
    expect([rowKey({ id: 42 }), rowKey({ id: 9007199254740993n }), rowKey({ id: '' }), rowKey({ id: null }), rowKey(null)]).to.deep.equal(['42', '9007199254740993', null, null, null]);
  });

  it('a parameter: spaces around a UUID or an integer and line breaks around anything are trimmed; other text is exact', () => {
    expect(normalizeKey(` ${GUID} `)).to.equal(GUID); // its case kept: sameKey matches a uuid row
    expect(normalizeKey(' 42 ')).to.equal('42');
    expect(normalizeKey('abc\n')).to.equal('abc');
    expect(normalizeKey(' dup')).to.equal(' dup');
    expect([normalizeKey('   '), normalizeKey(undefined), normalizeKey(NaN), normalizeKey({})]).to.deep.equal([null, null, null, null]);
  });

  it('sameKey: the same text, or the same UUID in another case, or a number as its text', () => {
    expect(sameKey(GUID.toLowerCase(), GUID)).to.equal(true);
    expect(sameKey('dup', ' dup')).to.equal(false);
    expect(sameKey('abc', 'ABC')).to.equal(false);
    expect(sameKey(42, '42')).to.equal(true);
  });
});
