/** src/core/csp.ts: which of the page's policy reports mark an address as refused. */
import { expect } from '@open-wc/testing';
import { policyRefusal, watchPolicy } from '../../src/core/csp.js';

function report(blockedURI: string, disposition: 'enforce' | 'report', effectiveDirective = 'connect-src') {
  document.dispatchEvent(
    new SecurityPolicyViolationEvent('securitypolicyviolation', {
      blockedURI,
      disposition,
      effectiveDirective,
      violatedDirective: effectiveDirective,
      originalPolicy: `${effectiveDirective} 'self'`,
      documentURI: location.href,
      statusCode: 200,
    }),
  );
}

describe('Content-Security-Policy reports', () => {
  before(() => watchPolicy());

  it('an enforced connect-src refusal marks its host (http and ws alike)', () => {
    report('http://blocked.example:5431/rest/v1/streams', 'enforce');
    expect(policyRefusal('http://blocked.example:5431/rest/v1')?.detail).to.equal('csp-blocked');
    expect(policyRefusal('ws://blocked.example:5431/realtime/v1/websocket')?.detail).to.equal('csp-blocked');
    // The schemes of this address, not always https and wss (QA38).
    expect(policyRefusal('http://blocked.example:5431/rest/v1')!.message).to.include('(http and ws)');
    expect(policyRefusal('http://other.example:5431/')).to.equal(null);
  });

  it('a report-only policy blocks nothing: its reports mark nothing (a failure there is the network)', () => {
    report('http://report-only.example:5431/rest/v1/streams', 'report');
    expect(policyRefusal('http://report-only.example:5431/rest/v1')).to.equal(null);
  });

  it('other directives (img-src) mark nothing', () => {
    report('http://images.example/x.png', 'enforce', 'img-src');
    expect(policyRefusal('http://images.example/')).to.equal(null);
  });
});
