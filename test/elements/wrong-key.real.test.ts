/**
 * Another project's anon key beside a valid user token (real backend, real Chromium). QA round 22:
 * with a per-user widget on the page, the connection read "Session expired … Sign in again" and
 * `rt-session-expired` fired (a new token fixed nothing), because the unread count was read with
 * `HEAD`: its 401 has no body, so "Invalid API key" could not be told from a refused token. The
 * count is a `GET … limit=0` now: every widget names the key.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import { en } from '../../src/internal/strings.js';
import type { RtClientApi } from '../../src/core/client-types.js';
import { USERS, backendInfo, signIn, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';

const text = (el: Element) => deepText(el.shadowRoot!);

/** The anon key re-signed by another project (a different JWT secret): well-formed, refused by the gateway. */
async function otherProjectKey(anonKey: string): Promise<string> {
  const [header, payload] = anonKey.split('.');
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('another-project-jwt-secret-000000'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${header}.${payload}`)));
  const b64 = btoa(String.fromCharCode(...sig)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${header}.${payload}.${b64}`;
}

describe("another project's anon key beside a valid user token (real backend)", function () {
  this.timeout(60_000);

  it('user feeds and the connection name the key; the session does not expire', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const wrongKey = await otherProjectKey(info.anonKey);
    const counted: Response[] = [];
    const fetchNative = window.fetch;
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await fetchNative(input, init);
      if (String(input instanceof Request ? input.url : input).includes('limit=0') || init?.method === 'HEAD') counted.push(res);
      return res;
    };
    try {
      let expired = 0;
      const provider = await fixture<HTMLElement>(html`<rt-provider supabase-url=${info.url} anon-key=${wrongKey} access-token=${token} @rt-session-expired=${() => expired++}>
        <rt-connection-status show-text></rt-connection-status>
        <rt-notifications></rt-notifications>
        <rt-signal-alerts></rt-signal-alerts>
      </rt-provider>`);
      const [status, notes, alerts] = ['rt-connection-status', 'rt-notifications', 'rt-signal-alerts'].map((t) => provider.querySelector(t)!);
      await waitFor(() => text(notes).includes('API key') && text(alerts).includes('API key'), 15_000, 'the feeds name the key');
      // The unread counts were read (and refused) by now.
      await waitFor(() => counted.length >= 2, 15_000, 'both unread counts read');
      await (status as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
      expect(expired, 'rt-session-expired fired').to.equal(0);
      expect(text(status)).to.not.include(en.sessionExpired);
      expect(text(notes)).to.not.include(en.sessionExpired);
    } finally {
      window.fetch = fetchNative;
    }
  });

  it('a Supabase URL where a web page answers (200 HTML, and no WebSocket): the connection names the page, not "a proxy or firewall" (QA27 M2)', async () => {
    const info = await backendInfo();
    const fetchNative = window.fetch;
    const NativeSocket = window.WebSocket;
    // Nothing listens for the socket there (a plain web server does not upgrade): it closes with 1006.
    window.WebSocket = class extends NativeSocket {
      constructor(_url: string | URL, protocols?: string | string[]) {
        super('ws://127.0.0.1:9/', protocols);
      }
    } as typeof WebSocket;
    window.fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/rest/v1/')) return new Response('<!doctype html><html><head><title>Welcome to nginx!</title></head><body></body></html>', { status: 200, headers: { 'content-type': 'text/html' } });
      return fetchNative(input, init);
    };
    try {
      const provider = await fixture<HTMLElement>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await signIn(USERS.alice)}>
        <rt-connection-status show-text></rt-connection-status>
        <rt-signal-alerts></rt-signal-alerts>
      </rt-provider>`);
      const client = (provider as HTMLElement & { rtClient: RtClientApi }).rtClient;
      await waitFor(() => client.getConnection().status !== 'connected' && (client.getConnection().lastError?.message ?? '').includes('Welcome to nginx!'), 20_000, `the connection's cause (is ${client.getConnection().lastError?.message})`);
      expect(client.getConnection().lastError?.message).to.include('a wrong URL');
    } finally {
      window.WebSocket = NativeSocket;
      window.fetch = fetchNative;
    }
  });

  it('a Supabase URL with a path the server does not route: the widgets say to check the URL, not "unknown table" (QA24 M4)', async () => {
    const info = await backendInfo();
    const provider = await fixture<HTMLElement>(html`<rt-provider supabase-url=${`${info.url}/project/abc`} anon-key=${info.anonKey} access-token=${await signIn(USERS.alice)}>
      <rt-connection-status show-text></rt-connection-status>
      <rt-signal-alerts></rt-signal-alerts>
    </rt-provider>`);
    const alerts = provider.querySelector('rt-signal-alerts')!;
    await waitFor(() => text(alerts).includes('check the Supabase URL'), 15_000, `the URL named (shows ${text(alerts)})`);
    expect(text(alerts)).to.not.include('Unknown table');
    // The connection names the URL too, not "a proxy or firewall" (the socket's 404 reads as a bare 1006).
    const status = provider.querySelector('rt-connection-status')!;
    const client = (provider as HTMLElement & { rtClient: RtClientApi }).rtClient;
    await waitFor(() => client.getConnection().status !== 'connected' && (client.getConnection().lastError?.message ?? '').includes('check the Supabase URL'), 15_000, `the connection's cause (is ${client.getConnection().lastError?.message})`);
    // The indicator renders on its next frame: waited for (updateComplete resolves at once when no update is pending yet).
    await waitFor(() => text(status).includes('check the Supabase URL'), 15_000, `the indicator names the URL (shows ${text(status)})`);
    // No retry can reach a server that is not there: none is counted down (QA83 F7: "Retrying in
    // 10 s · Attempt 14" beside the cause). Its details say the cause alone.
    (status.shadowRoot!.querySelector('button[part="base"]') as HTMLButtonElement).click();
    const panel = status.shadowRoot!.querySelector('[part="panel"]')!;
    const socket = () => (client as RtClientApi & { realtime: { connectionState(): string } }).realtime.connectionState();
    await waitFor(() => client.getConnection().status === 'error' && client.getConnection().nextRetryAt === null && socket() === 'closed' && panel.matches(':popover-open'), 15_000, `no retry scheduled (is ${client.getConnection().status}, next retry ${client.getConnection().nextRetryAt})`);
    await (status as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(panel.textContent).to.include('check the Supabase URL');
    expect(panel.textContent).to.not.include(en.nextRetry);
  });
});

