import { isStoodDown } from '../../internal/other-copy.js';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { ContextConsumer, ContextProvider, type Context, type ContextEvent } from '@lit/context';
import { rtClientContext, rtLocaleContext, rtThemeContext, ensureContextRoot, type RtTheme } from '../../context/rt-context.js';
import type { RtClientApi } from '../../core/client-types.js';
import { RtEvent } from '../../events.js';
import { ManagedClient } from '../../core/managed-client.js';
import type { RtClientOptions } from '../../core/transport.js';
import { jsonAttribute } from '../../internal/script-config.js';
import type { SupabaseLike } from '../../core/supabase-like.js';
import { tokenUserId } from '../../core/jwt.js';
import { continueLineage } from '../../core/client-lineage.js';
import { parseRealtimeMode } from '../../core/broadcast-topics.js';
import { absorbMisnamed, acceptAttributeNamedProperties, absorbUpgradeProperties, misdeliveredClient, takeBeforeDefine } from '../../internal/upgrade.js';
import { adoptInto, foreignRenderRoot, inHomeDocument, keepClass, leaveWithDocument } from '../../internal/other-document.js';
import { numberAttribute, numberRule, REVALIDATE_MS } from '../../internal/number-attributes.js';
import { CONTEXT_MOVED, answered, answeredBy, askAgain, askAgainUnder, providerOf } from '../../context/context-moves.js';

export type AccessTokenValue = string | null | undefined | (() => Promise<string | null> | string | null);

/** Attributes observed only to explain a misdelivered value (not part of the public attributes). */
const WATCHED_ONLY = ['client'];

/** How long a provider removed from the DOM keeps its client (moving it must not reconnect). */
const DISPOSE_AFTER_MS = 2000;

function isRtClient(value: unknown): value is RtClientApi {
  return !!value && typeof (value as RtClientApi).liveQuery === 'function' && typeof (value as RtClientApi).getConnection === 'function';
}

/**
 * Provides one rt-monitor client (one WebSocket) to every rt-monitor element inside it.
 *
 * ```html
 * <rt-provider supabase-url="https://xyz.supabase.co" anon-key="…" access-token="…" theme="dark">
 *   <rt-stream-progress stream-id="…"></rt-stream-progress>
 * </rt-provider>
 * ```
 *
 * Or reuse the page's own Supabase client and session: `provider.client = supabase`.
 * Elements outside any provider use the page default (`RtMonitor.configure({...})`).
 * Providers nest: what a provider does not set (no client options, no `locale`, no `theme`) its
 * elements take from the provider around it, e.g. `<rt-provider locale="de">` for one section.
 *
 * @customElement rt-provider
 * @summary Shares one realtime client, locale and theme with the rt-monitor elements inside it.
 * @slot - rt-monitor elements (and anything else) that should use this provider's client.
 * @container The events of the elements inside bubble out of it (`rt-alert`, `rt-status-change`, …).
 * @fires rt-session-expired - The access token expired (or the server rejected it: `detail.error.detail`
 *   is `token-rejected`) and cannot be renewed by the provider itself
 *   (a fixed `access-token`, or a callback that gave no fresh token). Answer with
 *   `event.detail.setAccessToken(token)` (or set `accessToken`); the widgets recover without a reload.
 */
export class RtProvider extends LitElement {
  static override styles = css`
    :host {
      display: contents;
    }
  `;

  /** Registers `<rt-provider>` unless it is already defined (safe when a page loads the bundle twice). */
  static define(tag = 'rt-provider', registry: CustomElementRegistry = customElements): void {
    if (registry.get(tag) || isStoodDown()) return;
    if (registry === customElements) takeBeforeDefine(tag, this); // values set before this definition
    acceptAttributeNamedProperties(this); // el['supabase-url'] = url (Angular interpolation, Vue .prop)
    registry.define(tag, this);
  }

  /** Supabase project URL. */
  @property({ attribute: 'supabase-url' }) supabaseUrl?: string;

  /** Supabase anon (publishable) key. */
  @property({ attribute: 'anon-key' }) anonKey?: string;

  /**
   * The user's access token (JWT). As text it is a fixed token: when it expires the widgets say
   * "Session expired", `rt-session-expired` fires, and they wait (sending nothing the server would
   * refuse) until a new one is set here. As a property it may also be an async function returning
   * a fresh token, called whenever the current one is about to expire or is refused.
   */
  @property({ attribute: 'access-token' }) accessToken?: AccessTokenValue;

  /**
   * Your own table names (JSON as an attribute), e.g. `tables='{"streams":"work_items"}'`: each of
   * `streams`, `acquisition_scans`, `agent_executions`, `signal_alerts`, `notifications` and
   * `org_members` may be renamed; unmapped tables keep rt-monitor's names. Invalid JSON or an
   * unknown table shows as a configuration error on every widget inside.
   */
  @property({ converter: { fromAttribute: (v: string | null) => jsonAttribute(v, 'tables').tables } }) tables?: RtClientOptions['tables'];

  /**
   * Your own column names where they differ (JSON), e.g. `columns='{"notifications":{"read":"is_read","user_id":"owner_id"}}'`:
   * per table, a standard column name (one rt-monitor reads) → your column's name. A misspelt
   * standard name, a value that is not a name, or one column of yours given for two standard ones
   * shows as a configuration error on every widget inside, naming the entry.
   */
  @property({ converter: { fromAttribute: (v: string | null) => jsonAttribute(v, 'columns').columns } }) columns?: RtClientOptions['columns'];

  /**
   * A client to provide instead of building one from the attributes: the host page's own
   * `SupabaseClient` (its socket and session are reused), or a ready rt-monitor client.
   */
  @property({ attribute: false }) client?: SupabaseLike | RtClientApi | null;

  /**
   * How the widgets inside receive changes: `postgres_changes` (default; Realtime checks RLS per
   * subscriber on every change) or `broadcast` (Broadcast from Database on private topics,
   * authorized once at join; needs the `*_rt_monitor_broadcast.sql` migration). Ignored when
   * `client` is a ready rt-monitor client.
   */
  @property({ attribute: 'realtime-mode' }) realtimeMode?: string;

  /**
   * How often (ms) the rows the widgets inside hold are read again by key (a row that left the
   * user's view under RLS goes; Realtime does not report it); 0 turns it off. Default 60 000.
   * Ignored when `client` is a ready rt-monitor client. A whole number from 0 to 86 400 000 (a
   * day): a value that is not a number, or negative, gives the default; a fraction is floored;
   * more than a day is a day (each such value is said once on the console).
   */
  @property({ attribute: 'revalidate-ms', converter: numberAttribute })
  @numberRule(REVALIDATE_MS)
  revalidateMs?: number;

  /** BCP 47 locale for the elements inside (defaults to the page's `lang`). */
  @property({ reflect: true }) locale?: string;

  /**
   * `page` (default: follow the host page's `color-scheme`), `auto` (follow the OS), `light` or
   * `dark` (`system` = `auto`); reflected so page CSS can key off `rt-provider[theme=dark]`.
   */
  @property({ reflect: true }) theme?: RtTheme;

  readonly #clientProvider = new ContextProvider(this, { context: rtClientContext, initialValue: undefined });
  readonly #localeProvider = new ContextProvider(this, { context: rtLocaleContext, initialValue: undefined });
  readonly #themeProvider = new ContextProvider(this, { context: rtThemeContext, initialValue: undefined });
  /**
   * What the provider around this one provides (the client, locale and theme), handed on where this
   * one sets nothing of its own: a nested `<rt-provider locale="de">` must not hide its parent's client.
   */
  readonly #outer = {
    client: this.#follow(rtClientContext, () => this.#ownsClient || !this.hasUpdated || this.#clientProvider.setValue(this.#outer.client.value, true)),
    locale: this.#follow(rtLocaleContext, () => this.#localeProvider.setValue(this.locale || this.#outer.locale.value)),
    theme: this.#follow(rtThemeContext, () => this.#themeProvider.setValue(this.theme || this.#outer.theme.value)),
  };
  /** This provider has its own client (options, a host SupabaseClient or a ready client). */
  #ownsClient = false;
  /** It has, or once had, a client source or a client option of its own (then never the client around it). */
  #sourced = false;
  /** The client built from the attributes or over a host SupabaseClient (it follows the host's user). */
  #managed: ManagedClient | undefined;
  #ownUser: string | null = null;
  /** The client was made with a token callback (not a fixed token or none). */
  #byCallback = false;
  #disposeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Also `client`, to notice `client="[object Object]"` (an object that arrived as an attribute). */
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, ...WATCHED_ONLY];
  }

  /** The explanatory client installed while `client` / `access-token` arrived as text (src/internal/upgrade.ts). */
  #misdelivered: RtClientApi | undefined;

  /** The element's class, kept through a move into another window's document (keepClass). */
  readonly #cls: typeof RtProvider;

  constructor() {
    super();
    this.#cls = new.target;
    ensureContextRoot();
    absorbUpgradeProperties(this); // properties set before the upgrade: through the accessors, now
    // After the context providers' own listeners: a request that reaches this one was answered here.
    this.addEventListener('context-request', (e) => this.#noteAnswered(e as ContextEvent<Context<unknown, unknown>>));
    this.addEventListener('slotchange', (e) => this.#slotChanged(e));
  }

  // ---- Elements whose provider changed without a move (src/context/context-moves.ts) ----

  /** The elements this provider answered, until they are gone or answered elsewhere. */
  #answered: WeakRef<Element>[] = [];
  readonly #noted = new WeakSet<Element>();
  /** Slots leaving this provider's subtree take their elements out of its reach. */
  #slotWatch: MutationObserver | undefined;

  #noteAnswered(e: ContextEvent<Context<unknown, unknown>>): void {
    if (e.context !== rtClientContext && e.context !== rtLocaleContext && e.context !== rtThemeContext) return;
    const el = e.contextTarget ?? e.composedPath()[0];
    if (el === this || !(el instanceof Element)) return;
    answered(el, this);
    if (this.#noted.has(el)) return;
    this.#noted.add(el);
    this.#answered.push(new WeakRef(el));
  }

  /**
   * A slot inside this provider (in the page's or a component's tree) got other elements: those
   * that now reach this provider first ask it. Its former elements that no longer reach it ask
   * again, for the provider they reach now or none. A slot of a provider inside this one is that
   * provider's.
   */
  #slotChanged(e: Event): void {
    const slot = e.composedPath()[0];
    if (!(slot instanceof HTMLSlotElement) || providerOf(slot) !== this) return;
    askAgainUnder(slot.assignedElements({ flatten: true }), this);
    this.#recheckAnswered();
  }

  /** Elements this provider answered that it no longer reaches (re-slotted, their slot moved, this provider removed) ask again. */
  #recheckAnswered(): void {
    const kept: WeakRef<Element>[] = [];
    for (const ref of this.#answered) {
      const el = ref.deref();
      if (!el) continue;
      if (el.isConnected && answeredBy(el) === this && providerOf(el) !== this) askAgain(el);
      if (el.isConnected && answeredBy(el) === this) kept.push(ref);
      else this.#noted.delete(el);
    }
    this.#answered = kept;
  }

  #watchSlots(): void {
    this.#slotWatch ??= new MutationObserver((records) => {
      const slotLeft = records.some((r) => Array.from(r.removedNodes).some((n) => n instanceof Element && (n.localName === 'slot' || !!n.querySelector('slot'))));
      if (slotLeft) this.#recheckAnswered();
    });
    this.#slotWatch.observe(this, { childList: true, subtree: true });
  }

  /**
   * Its own place changed without a move (a slot): ask the providers around it again, as a move does.
   * @internal
   */
  [CONTEXT_MOVED](): void {
    this.disconnectedCallback();
    this.connectedCallback();
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    // An object or function that a framework could only set as an attribute: never use the text
    // (as a token); provide a client that explains the cause instead, until a usable value arrives.
    const explained = misdeliveredClient(this.localName, name, value);
    if (explained) {
      if (this.client == null || this.client === this.#misdelivered) this.client = this.#misdelivered = explained;
      return;
    }
    if (explained === null && this.#misdelivered && this.client === this.#misdelivered) this.client = this.#misdelivered = undefined;
    super.attributeChangedCallback(name, old, value);
  }

  /** The client this provider currently provides (undefined when not configured). */
  get rtClient(): RtClientApi | undefined {
    return this.#clientProvider.value ?? undefined;
  }

  /** In another document (a same-origin iframe): its styles made for that document. */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    return inHomeDocument(this) ? super.createRenderRoot() : foreignRenderRoot(this);
  }

  /** Moved into another document (or back): still this class, styled for it. */
  adoptedCallback(): void {
    adoptInto(this, this.#cls);
  }

  override connectedCallback(): void {
    keepClass(this, this.#cls);
    leaveWithDocument(this);
    absorbUpgradeProperties(this);
    absorbMisnamed(this);
    // Until its first update decides (willUpdate), elements connected with it wait (`null`): not
    // read through the page default or an outer provider's client meanwhile, whether it has a
    // source of its own in the markup (QA51 F3) or gets one as a property right after insertion
    // (@lit/react, Angular: in the same task). Set before the context provider connects:
    // connecting answers the requests of elements waiting below it (an upgrade after theirs,
    // QA51 F4), and `undefined` would send them to the page default.
    if (!this.hasUpdated && this.#clientProvider.value === undefined) this.#clientProvider.setValue(null);
    super.connectedCallback();
    this.#watchSlots();
    clearTimeout(this.#disposeTimer);
    this.#disposeTimer = undefined;
    // The first update builds the client from the initial properties (willUpdate); building here too
    // would make a second client (and socket) for a provider configured before it was connected.
    if (!this.#clientProvider.value && this.hasUpdated) this.#rebuild();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#slotWatch?.disconnect();
    // Removed, not moved (a template replaced it around slotted elements): what it answered and no
    // longer reaches asks again, after the task's other changes (its successor inserted).
    queueMicrotask(() => this.#recheckAnswered());
    clearTimeout(this.#disposeTimer);
    this.#disposeTimer = setTimeout(() => {
      // Still in the page (moved), unless its document was discarded (an iframe removed).
      if (this.isConnected && this.ownerDocument.defaultView) return;
      // Kept for a return with the same configuration (Vue's <KeepAlive>, a tab panel): its next
      // client carries on from this one (src/core/client-lineage.ts).
      const given = this.#clientProvider.value;
      this.#retired = given && this.#managed ? { client: given, config: this.#config() } : undefined;
      this.#dropManaged();
      this.#clientProvider.setValue(undefined);
    }, DISPOSE_AFTER_MS);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (
      !this.hasUpdated || // the first: the client, or none, or the one around it (`null` until now)
      changed.has('client') || changed.has('supabaseUrl') || changed.has('anonKey') || changed.has('tables') || changed.has('columns') || changed.has('realtimeMode') || changed.has('revalidateMs') ||
      (changed.has('accessToken') && !this.#managed)
    ) {
      this.#rebuild();
    } else if (changed.has('accessToken') && this.#managed?.current) {
      // A value set at any time takes effect (also a callback assigned after the first render).
      // Another user: a new client (every "my alerts" query changes). Same user: the client
      // takes the new token (a session that had expired recovers without a reload).
      // A callback where a fixed token was (or the reverse) is another kind of token source: a new client.
      const callback = typeof this.accessToken === 'function';
      if (callback !== this.#byCallback) this.#rebuild();
      else if (callback) {
        // The client reads the provider's current callback; asking it now tells whether the user
        // changed (the client's onUserChange then rebuilds) and renews an expired session.
        void (this.#managed.current as { refreshAuth?: () => Promise<boolean> }).refreshAuth?.();
      } else {
        const token = typeof this.accessToken === 'string' ? this.accessToken || null : null;
        if (tokenUserId(token) !== this.#ownUser) this.#rebuild();
        else this.#managed.current.setAccessToken?.(token);
      }
    }
    if (changed.has('locale')) this.#localeProvider.setValue(this.locale || this.#outer.locale.value);
    if (changed.has('theme')) this.#themeProvider.setValue(this.theme || this.#outer.theme.value);
  }

  protected override render() {
    return html`<slot></slot>`;
  }

  /** The client given up while out of the page, and the configuration it was made with. */
  #retired: { client: RtClientApi; config: unknown[] } | undefined;
  /** The client the next one made carries on from (a return with the same configuration). */
  #continues: RtClientApi | undefined;

  /** What makes its client: the same values make the same client (a text token: its user). */
  #config(): unknown[] {
    const token = this.accessToken;
    return [this.client, this.supabaseUrl, this.anonKey, typeof token === 'string' ? (tokenUserId(token) ?? token) : token, this.tables, this.columns, this.realtimeMode, this.revalidateMs];
  }

  #rebuild(): void {
    const retired = this.#retired;
    this.#retired = undefined;
    const config = this.#config();
    this.#continues = retired && retired.config.every((v, i) => Object.is(v, config[i])) ? retired.client : undefined;
    const given = this.client;
    this.#ownUser = typeof this.accessToken === 'string' ? tokenUserId(this.accessToken) : null;
    this.#byCallback = typeof this.accessToken === 'function';
    this.#ownsClient = true;
    if (isRtClient(given)) {
      this.#dropManaged();
      this.#sourced = true;
      this.#clientProvider.setValue(given, true);
      return;
    }
    const schema = { tables: this.tables, columns: this.columns, realtimeMode: parseRealtimeMode(this.realtimeMode), revalidateMs: this.revalidateMs };
    const options: RtClientOptions | undefined = given
      ? { client: given as SupabaseLike, accessToken: this.#tokenOption(), ...schema }
      : this.supabaseUrl || this.anonKey
        ? { url: this.supabaseUrl, anonKey: this.anonKey, accessToken: this.#tokenOption(), ...schema }
        : undefined;
    if (!options) {
      this.#dropManaged();
      // Nothing of its own: the client around it. A source of its own but no client (an
      // `access-token` alone, an empty one, `client = null`, a removed attribute): `null`, so that
      // its elements wait and never take the page default's client, another user's (QA49 F2,
      // QA50 F3). So too for a mapping of its own (`tables`, `columns`, `realtime-mode`): only a
      // client of its own could carry it (QA50 F5). At top level, one it had and lost (a
      // sign-out) does not make it the page default's either (QA50 F4); nested, it hands on the
      // outer provider's client again.
      const own = given !== undefined || this.accessToken !== undefined || [this.supabaseUrl, this.anonKey, this.tables, this.columns, this.realtimeMode].some((v) => v != null);
      this.#ownsClient = own || (this.#sourced && this.#outer.client.value === undefined);
      this.#sourced ||= own;
      this.#clientProvider.setValue(this.#ownsClient ? null : this.#outer.client.value, true);
      return;
    }
    this.#sourced = true;
    this.#managed ??= new ManagedClient({
      changed: (client) => {
        // Before its elements hear of it: the first client made after a return carries on.
        if (client && this.#continues) continueLineage(client, this.#continues);
        if (client) this.#continues = undefined;
        this.#clientProvider.setValue(client ?? null, true);
      },
      // Session expiry → `rt-session-expired` on this provider (answer with
      // `event.detail.setAccessToken(token)` or by setting `accessToken`).
      sessionExpired: (error, client) =>
        this.dispatchEvent(
          new RtEvent('rt-session-expired', {
            error,
            client,
            setAccessToken: (token: string) => {
              // The same token again (a second expiry raced the first answer): Lit sees no change,
              // so hand it to the client directly.
              if (token && token === this.accessToken) client.setAccessToken?.(token);
              else this.accessToken = token;
            },
          }),
        ),
    });
    this.#managed.use(options);
  }

  /** Follows `context` as provided around this element (its own provider of it does not answer itself). */
  #follow<T>(context: Context<unknown, T>, changed: () => void): ContextConsumer<Context<unknown, T>, this> {
    return new ContextConsumer(this, { context, subscribe: true, callback: changed });
  }

  #dropManaged(): void {
    this.#managed?.dispose();
    this.#managed = undefined;
  }

  /**
   * The token option handed to the client. A callback is wrapped so that the client always asks
   * the provider's current one; a text token is a fixed token (one that expires cannot be renewed
   * by asking again: the client says "Session expired" and waits, without refused requests, for a
   * new one set here); none is anonymous, or the host client's own session.
   */
  #tokenOption(): RtClientOptions['accessToken'] {
    return typeof this.accessToken === 'function' ? async () => this.#currentToken() : this.accessToken || undefined;
  }

  async #currentToken(): Promise<string | null> {
    const t = this.accessToken;
    if (typeof t === 'function') return (await t()) ?? null;
    return t || null;
  }

}

RtProvider.define();

declare global {
  interface HTMLElementTagNameMap {
    'rt-provider': RtProvider;
  }
}
