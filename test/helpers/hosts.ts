/**
 * Tiny test host elements carrying one controller each, counting their renders. Used by the
 * controller tests (real backend and in-memory client).
 */
import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import {
  AgentExecutionsController,
  AllStreamsController,
  ConnectionController,
  HeartbeatController,
  NotificationsController,
  ScanProgressController,
  SignalAlertsController,
  StreamProgressController,
  UserScansController,
} from '../../src/controllers/index.js';

abstract class CountingHost extends LitElement {
  renders = 0;
  protected override createRenderRoot() {
    return this;
  }
  protected override render() {
    this.renders++;
    return html`<span>${this.renders}</span>`;
  }
}

export class TestStreamHost extends CountingHost {
  @property({ attribute: 'stream-id' }) streamId = '';
  readonly ctl = new StreamProgressController(this, () => this.streamId);
}
export class TestOrgStreamsHost extends CountingHost {
  @property({ attribute: 'org-id' }) orgId: string | null = null;
  readonly ctl = new AllStreamsController(this, () => this.orgId);
}
export class TestScanHost extends CountingHost {
  @property({ attribute: 'scan-id' }) scanId = '';
  readonly ctl = new ScanProgressController(this, () => this.scanId);
}
export class TestUserScansHost extends CountingHost {
  @property({ attribute: 'user-id' }) userId: string | null = null;
  readonly ctl = new UserScansController(this, () => this.userId);
}
export class TestExecutionsHost extends CountingHost {
  @property({ attribute: 'stream-id' }) streamId = '';
  readonly ctl = new AgentExecutionsController(this, () => this.streamId);
}
export class TestAlertsHost extends CountingHost {
  @property({ attribute: 'user-id' }) userId: string | null = null;
  @property({ type: Number }) limit?: number;
  readonly ctl = new SignalAlertsController(this, () => ({ userId: this.userId, limit: this.limit }));
}
export class TestNotificationsHost extends CountingHost {
  @property({ attribute: 'user-id' }) userId: string | null = null;
  @property({ type: Number }) limit?: number;
  readonly ctl = new NotificationsController(this, () => ({ userId: this.userId, limit: this.limit }));
}
export class TestConnectionHost extends CountingHost {
  readonly ctl = new ConnectionController(this);
  statuses: string[] = [];
  protected override updated() {
    if (this.statuses[this.statuses.length - 1] !== this.ctl.status) this.statuses.push(this.ctl.status);
  }
}
export class TestHeartbeatHost extends CountingHost {
  readonly ctl = new HeartbeatController(this, 1000);
}

const TAGS: Array<[string, CustomElementConstructor]> = [
  ['test-stream-host', TestStreamHost],
  ['test-org-streams-host', TestOrgStreamsHost],
  ['test-scan-host', TestScanHost],
  ['test-user-scans-host', TestUserScansHost],
  ['test-executions-host', TestExecutionsHost],
  ['test-alerts-host', TestAlertsHost],
  ['test-notifications-host', TestNotificationsHost],
  ['test-connection-host', TestConnectionHost],
  ['test-heartbeat-host', TestHeartbeatHost],
];
for (const [tag, ctor] of TAGS) if (!customElements.get(tag)) customElements.define(tag, ctor);

declare global {
  interface HTMLElementTagNameMap {
    'test-stream-host': TestStreamHost;
    'test-org-streams-host': TestOrgStreamsHost;
    'test-scan-host': TestScanHost;
    'test-user-scans-host': TestUserScansHost;
    'test-executions-host': TestExecutionsHost;
    'test-alerts-host': TestAlertsHost;
    'test-notifications-host': TestNotificationsHost;
    'test-connection-host': TestConnectionHost;
    'test-heartbeat-host': TestHeartbeatHost;
  }
}

/**
 * Replace `window.WebSocket` while creating clients: keeps the sockets and every text frame sent
 * and received, and can hold back incoming frames that match a predicate until the test lets them
 * through (to reorder deliveries, or to make a burst). Call `restore()` when done.
 */
export function instrumentWebSocket() {
  const Native = window.WebSocket;
  const sockets: WebSocket[] = [];
  /** Every text frame received (before any gate), in order. */
  const received: string[] = [];
  /** Every text frame sent, in order, with its socket. */
  const sent: Array<{ socket: WebSocket; data: string }> = [];
  /** Every text frame both ways, in the order sent / received. */
  const log: Array<{ dir: 'in' | 'out'; data: string }> = [];
  let gate: ((data: string) => boolean) | null = null;
  const gated: Array<() => void> = [];
  /** Incoming frames held for `delayMs` each, in order (a page or network slow to take them in). */
  let delayMs = 0;
  /** Close events not handed to the page (a close the page never hears of). */
  let dropCloses = false;
  const delayed: Array<{ due: number; deliver: () => void }> = [];
  const pump = () => {
    while (delayed.length && delayed[0]!.due <= performance.now()) delayed.shift()!.deliver();
    if (delayed.length) setTimeout(pump, delayed[0]!.due - performance.now());
  };
  class Instrumented extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (typeof data === 'string') {
        sent.push({ socket: this, data });
        log.push({ dir: 'out', data });
      }
      super.send(data);
    }
    override set onmessage(fn: ((this: WebSocket, ev: MessageEvent) => unknown) | null) {
      if (!fn) {
        super.onmessage = null;
        return;
      }
      super.onmessage = (ev: MessageEvent) => {
        if (typeof ev.data === 'string') {
          received.push(ev.data);
          log.push({ dir: 'in', data: ev.data });
        }
        if (gate && typeof ev.data === 'string' && gate(ev.data)) {
          gated.push(() => fn.call(this, ev));
          return;
        }
        if (delayMs > 0 || delayed.length) {
          delayed.push({ due: performance.now() + delayMs, deliver: () => fn.call(this, ev) });
          if (delayed.length === 1) pump();
          return;
        }
        fn.call(this, ev);
      };
    }
    override get onmessage() {
      return super.onmessage;
    }
    override set onclose(fn: ((this: WebSocket, ev: CloseEvent) => unknown) | null) {
      super.onclose = fn && ((ev: CloseEvent) => (dropCloses ? undefined : fn.call(this, ev)));
    }
    override get onclose() {
      return super.onclose;
    }
  }
  window.WebSocket = Instrumented as typeof WebSocket;
  return {
    sockets,
    received,
    sent,
    log,
    /** Queue incoming text frames matching `fn` until `openGate()` delivers them all at once, in order. */
    closeGate(fn: (data: string) => boolean) {
      gate = fn;
    },
    /**
     * Take in every incoming frame `ms` after it arrived, in order, each in its own task (the page
     * runs meanwhile: no stall); 0 to stop delaying new ones (those held still wait their time).
     */
    delayIncoming(ms: number) {
      delayMs = ms;
    },
    /**
     * Hand no close event to the page while on (a close Phoenix's teardown gave up waiting for:
     * after about 1.5 s it drops the socket without its close event, its channels never errored).
     */
    dropCloses(on: boolean) {
      dropCloses = on;
    },
    /** How many frames the delay holds now. */
    delayedCount: () => delayed.length,
    /** How many frames the gate holds now. */
    gatedCount: () => gated.length,
    /** Deliver every queued frame now (one burst, in one task); returns how many. */
    openGate(): number {
      gate = null;
      const queued = gated.splice(0);
      for (const deliver of queued) deliver();
      return queued.length;
    },
    openCount: () => sockets.filter((s) => s.readyState === Native.OPEN || s.readyState === Native.CONNECTING).length,
    restore() {
      window.WebSocket = Native;
    },
  };
}

/** Every value `read()` gives, once per frame from now until `stop()` (what the screen showed, frame by frame). */
export function everyFrame(read: () => string): { seen: Set<string>; stop(): void } {
  const seen = new Set<string>();
  let on = true;
  const look = () => {
    seen.add(read());
    if (on) requestAnimationFrame(look);
  };
  look();
  return { seen, stop: () => void (on = false) };
}

/** Every REST read (its URL) sent through `window.fetch` with `Authorization: Bearer <token>`, until `stop()`. */
export function readsWith(token: string): { urls: string[]; stop(): void } {
  const original = window.fetch;
  const urls: string[] = [];
  window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
    const url = input instanceof Request ? input.url : String(input);
    const auth = new Headers(input instanceof Request ? input.headers : init?.headers).get('authorization');
    if (url.includes('/rest/v1/') && auth === `Bearer ${token}`) urls.push(url);
    return original.call(this, input, init);
  };
  return { urls, stop: () => void (window.fetch = original) };
}

/** Counts, until `restore()`, the revalidation rounds that read `table`'s held rows again by key (`id=in.(…)` through `window.fetch`). */
export function countRounds(table: string): { rounds(): number; restore(): void } {
  const nativeFetch = window.fetch;
  let n = 0;
  window.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.includes(`/rest/v1/${table}?`) && url.includes('id=in.')) n++;
    return nativeFetch(input, init);
  };
  return { rounds: () => n, restore: () => (window.fetch = nativeFetch) };
}

/** Records the console's warnings (still shown) until `restore()`. */
export function recordWarnings(): { warnings: string[]; restore(): void } {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
    warn.apply(console, args);
  };
  return { warnings, restore: () => (console.warn = warn) };
}

/**
 * Records, until `restore()`, every WebSocket URL opened (`urls`) and each request's `apikey` and
 * `authorization` headers as one string (`sent`): what a key or token was sent with.
 */
export function recordKeysSent(): { urls: string[]; sent: string[]; restore: () => void } {
  const Native = window.WebSocket;
  const fetchNative = window.fetch;
  const urls: string[] = [];
  const sent: string[] = [];
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      urls.push(String(url));
      super(url, protocols);
    }
  };
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const h = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    sent.push(`${h.get('apikey') ?? ''} ${h.get('authorization') ?? ''}`);
    return fetchNative(input, init);
  };
  return {
    urls,
    sent,
    restore: () => {
      window.WebSocket = Native;
      window.fetch = fetchNative;
    },
  };
}

