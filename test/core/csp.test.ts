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

  it('an enforced connect-src refusal marks the address refused and those below it, no other (QA58 F3)', () => {
    report('http://blocked.example:5431/rest/v1/streams?select=*', 'enforce');
    expect(policyRefusal('http://blocked.example:5431/rest/v1/streams')?.detail).to.equal('csp-blocked');
    // The schemes of this address, not always https and wss (QA38).
    expect(policyRefusal('http://blocked.example:5431/rest/v1/streams')!.message).to.include('(http and ws)');
    // REST refused, the socket allowed: an outage of the socket is no refusal.
    expect(policyRefusal('ws://blocked.example:5431/realtime/v1/websocket')).to.equal(null);
    expect(policyRefusal('http://other.example:5431/')).to.equal(null);
    // The socket's refusal (with its key in the query), under ws or http, marks the socket.
    report('ws://sock.example/realtime/v1/websocket?apikey=k&vsn=1.0.0', 'enforce');
    expect(policyRefusal('ws://sock.example/realtime/v1/websocket')?.detail).to.equal('csp-blocked');
    report('https://sock2.example/realtime/v1/websocket', 'enforce');
    expect(policyRefusal('wss://sock2.example/realtime/v1/websocket')?.detail).to.equal('csp-blocked');
  });

  it("the page's own refused request to another path of the project (a Storage avatar) marks neither REST nor the socket (QA58 F3)", () => {
    report('https://project.example/storage/v1/object/public/avatars/a.png', 'enforce');
    expect(policyRefusal('https://project.example/rest/v1')).to.equal(null);
    expect(policyRefusal('wss://project.example/realtime/v1/websocket')).to.equal(null);
    // A policy refusing REST as a whole: a table's address is below `/rest/v1`.
    report('https://project.example/rest/v1/signal_alerts', 'enforce');
    expect(policyRefusal('https://project.example/rest/v1')?.detail).to.equal('csp-blocked');
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
