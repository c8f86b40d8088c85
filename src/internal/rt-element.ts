/**
 * Base class of every rt-monitor element:
 * - guarded registration (`RtX.define()`), safe when a page loads the bundle twice;
 * - typed `emit()` of bubbling, composed events;
 * - locale from `rtLocaleContext`, overridable by the element's own `locale` attribute; strings in
 *   that locale (English until a bundled translation has loaded, then a re-render), with values
 *   bidi-isolated on right-to-left pages; an RTL locale (ar, he, fa, ur) lays the element out RTL;
 * - theme from `rtThemeContext`, overridable by the element's own `theme` attribute (default: the
 *   host page's `color-scheme`), the resolved scheme exposed as `:state(light)` / `:state(dark)`;
 * - rendering coalesced to at most once per animation frame.
 */
import { LitElement, ReactiveElement, render, type PropertyValues } from 'lit';
import { isVisible, unwatchVisibility, watchVisibility } from './visibility.js';
import { keepFocus, markFocus } from './focus-keeper.js';
import { errorView } from './templates.js';
import { adoptInto, foreignRenderRoot, inHomeDocument, keepClass, leaveWithDocument } from './other-document.js';
import { property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { ensureContextRoot, rtLocaleContext, rtThemeContext } from '../context/index.js';
import { CONTEXT_MOVED } from '../context/context-moves.js';
import type { LiveQueryPhase, RtError } from '../core/types.js';
import { RtEvent, type RtEventDetailMap, type RtEventName } from '../events.js';
import { currentFrame, nextFrame } from '../core/frame.js';
import { labelLocale, pendingStrings, stringsFor, type RtStrings } from './strings.js';
import { sayUnknownChoice } from './attribute-choice.js';
import { firstLocale, languageOf } from './locale.js';
import { isStoodDown, warnOtherCopy } from './other-copy.js';
import { RT_VERSION } from '../core/rt-version.js';
import { absorbMisnamed, acceptAttributeNamedProperties, absorbUpgradeProperties, checkObjectAttributes, takeBeforeDefine } from './upgrade.js';

/** Version stamped into warnings when two copies of the bundle meet (one source: src/core/rt-version.ts). */
export { RT_VERSION };

export type { RtTheme } from '../context/index.js';
import type { RtTheme } from '../context/index.js';

/** The values of `theme` (`system` is `auto`). */
const THEMES = ['page', 'auto', 'system', 'light', 'dark'];

/** Elements that follow the page or the OS: told when the OS preference changes (one listener). */
const schemeFollowers = new Set<RtElement>();
let darkQuery: MediaQueryList | undefined;
function osPrefersDark(): boolean {
  if (!darkQuery && typeof matchMedia === 'function') {
    darkQuery = matchMedia('(prefers-color-scheme: dark)');
    darkQuery.addEventListener('change', () => {
      for (const el of schemeFollowers) el.colorSchemeChanged();
    });
  }
  return darkQuery?.matches ?? false;
}

/**
 * The scheme a `color-scheme` value resolves to on this page: `dark` alone → dark; both → the OS's
 * choice; `light`, `only light`, `normal` → light, except that `normal` defers to the page's
 * `<meta name="color-scheme">` as browsers do.
 */
function schemeOf(value: string, doc: Document): 'light' | 'dark' {
  let v = value.trim();
  if (v === '' || v === 'normal') v = doc.querySelector<HTMLMetaElement>('meta[name="color-scheme"]')?.content ?? 'light';
  const words = v.toLowerCase().split(/\s+/);
  const dark = words.includes('dark');
  if (!dark) return 'light';
  return words.includes('light') ? (osPrefersDark() ? 'dark' : 'light') : 'dark';
}
const RTL_LOCALE = /^(ar|he|iw|fa|ur)\b/i;

/** The page's `lang`, read once per frame for all elements (a DOM read per element per render showed in profiles). */
let langOfFrame = '';
let langFrame = 0;
let dirOfFrame = '';
function pageLang(): string {
  const frame = currentFrame();
  if (frame === 0 || frame !== langFrame) {
    langOfFrame = document.documentElement.lang;
    dirOfFrame = document.documentElement.dir;
    langFrame = frame;
  }
  return langOfFrame;
}
/** The page's `dir` (read with its `lang`, once per frame). */
function pageDir(): string {
  pageLang();
  return dirOfFrame;
}

/** The `lang` in effect at `el`: its own or its nearest ancestor's, across shadow roots ('' if none). */
function inheritedLang(el: Element): string {
  for (let node: Element | null = el; node; node = node.parentElement ?? (((node.getRootNode() as ShadowRoot).host as Element | undefined) ?? null)) {
    const lang = node.getAttribute('lang');
    if (lang !== null) return lang;
  }
  return '';
}

/**
 * The base class of the rt-* elements (not an element of its own): locale, theme, strings, events.
 *
 * @cssstate light - The resolved colour scheme is light.
 * @cssstate dark - The resolved colour scheme is dark.
 * @cssstate own-surface - A theme of its own (`auto`, `light`, `dark`): what is transparent by default paints its surface.
 */
export class RtElement extends LitElement {
  /** Version of the bundle that defined this class. */
  static readonly version: string = RT_VERSION;

  /**
   * Registers the element under `tag` unless the tag is taken. When another copy (or version)
   * already defined it, returns quietly; the first such meeting warns once per copy of rt-monitor,
   * naming both versions (src/internal/other-copy.ts). A tag another script took (a class without
   * rt-monitor's static `version`) warns, saying so.
   */
  static define(tag: string, registry: CustomElementRegistry = customElements): void {
    if (isStoodDown()) return; // a second script-tag copy: the first one serves the page
    const existing = registry.get(tag) as (CustomElementConstructor & { version?: string }) | undefined;
    if (existing) {
      if (existing === this) return;
      if (typeof existing.version !== 'string') {
        // Not rt-monitor's: the page (or another library) took the name first.
        console.warn(`rt-monitor: <${tag}> is already defined by another script on this page, not by rt-monitor; <${tag}> elements are that script's, and rt-monitor's <${tag}> is not available here.`);
        return;
      }
      warnOtherCopy(
        `rt-monitor: <${tag}> is already defined by another copy of rt-monitor (version ${existing.version}); ` +
          `this copy (version ${this.version}) registers none of the elements the other copy defined.`,
      );
      return;
    }
    // Values the page set on <tag> elements before this definition: applied in connectedCallback.
    if (registry === customElements) takeBeforeDefine(tag, this);
    acceptAttributeNamedProperties(this); // el['stream-id'] = id (Angular interpolation, Vue .prop)
    registry.define(tag, this);
  }

  /** BCP 47 locale for numbers, dates and text. Defaults to the provider's locale, then the page's `lang`. */
  @property({ reflect: true }) locale?: string;

  /**
   * `page` (follow the host page's `color-scheme`), `auto` (follow the OS), `light` or `dark`
   * (`system` = `auto`). Defaults to the provider's theme, then `page`.
   */
  @property({ reflect: true }) theme?: RtTheme;

  @consume({ context: rtLocaleContext, subscribe: true })
  @state()
  protected contextLocale?: string;

  @consume({ context: rtThemeContext, subscribe: true })
  @state()
  protected contextTheme?: string;

  protected readonly internals: ElementInternals;

  /** The element's class: what `this.constructor` was before a move could change it (keepClass). */
  readonly #cls: typeof RtElement;

  constructor() {
    super();
    this.#cls = new.target;
    this.internals = this.attachInternals();
    ensureContextRoot(); // a provider upgraded after this element still reaches it
  }

  /** In another document (a same-origin iframe): the styles as `<style>` elements (src/internal/other-document.ts). */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    return inHomeDocument(this) ? super.createRenderRoot() : foreignRenderRoot(this);
  }

  /** Moved into another document (or back): restyle for it. */
  adoptedCallback(): void {
    adoptInto(this, this.#cls);
  }

  override connectedCallback(): void {
    keepClass(this, this.#cls);
    leaveWithDocument(this);
    // Properties set before the upgrade (React ref, Vue .prop, a loader script): through the
    // accessors now, after every constructor and field initializer ran (not at the first update).
    absorbUpgradeProperties(this);
    absorbMisnamed(this);
    checkObjectAttributes(this);
    super.connectedCallback();
    watchVisibility(this);
    // Moved: the surrounding `dir` and `lang` may differ here.
    if (this.#languageKey) {
      this.#languageKey = '';
      this.requestUpdate();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    unwatchVisibility(this);
    schemeFollowers.delete(this);
  }

  /**
   * Its provider changed without a move (re-slotted, its slot moved, the provider around the slot
   * replaced: src/context/context-moves.ts): disconnect and connect, as a move does, so the
   * client, locale and theme are asked for again.
   * @internal
   */
  [CONTEXT_MOVED](): void {
    this.disconnectedCallback();
    this.connectedCallback();
  }

  /**
   * Off screen (or in a hidden tab) an element keeps its state current and runs `willUpdate`
   * (events such as `rt-alert` still fire) but renders at most once per
   * {@link RtElement.offscreenRenderIntervalMs} instead of once per frame; it renders at once when
   * it comes into view. Never frozen: screen readers, find-in-page and printing read the DOM of
   * widgets that are not in view, so that DOM is at most this old. Set to false to always render.
   */
  static deferRenderingOffscreen = true;

  /** Longest time (ms) an out-of-view element's DOM lags its data. Default 1000. */
  static offscreenRenderIntervalMs = 1000;

  /** A render was skipped while out of view. */
  #renderDeferred = false;
  #lastRenderAt = -Infinity;
  #catchUp: ReturnType<typeof setTimeout> | undefined;
  /** The feed's phase last reflected ({@link reflectFeed}), and whether it moved since the last render. */
  #phase: LiveQueryPhase | undefined;
  #phaseMoved = false;

  /** @internal Called by src/internal/visibility.ts. */
  visibilityChanged(visible: boolean): void {
    this.setState('offscreen', !visible);
    if (visible && this.#renderDeferred) this.requestUpdate();
  }

  protected override update(changed: PropertyValues): void {
    this.controllersUpdated(changed);
    const ctor = this.constructor as typeof RtElement;
    // Out of view, data waits for the next catch-up render; a phase change does not (QA71: a badge
    // out of view read "Live" for a second after its state went stale; screen readers read it).
    if (this.hasUpdated && ctor.deferRenderingOffscreen && !isVisible(this) && !this.#phaseMoved) {
      // On the monotonic clock: the page's clock set back would hold renders for as long as the jump (QA71 F1).
      const wait = this.#lastRenderAt + ctor.offscreenRenderIntervalMs - performance.now();
      if (wait > 0) {
        // Reflect attributes and finish the update cycle without rendering; catch up later.
        this.#renderDeferred = true;
        (ReactiveElement.prototype as unknown as { update(c: PropertyValues): void }).update.call(this, changed);
        this.#catchUp ??= setTimeout(() => {
          this.#catchUp = undefined;
          if (this.#renderDeferred && this.isConnected) this.requestUpdate();
        }, wait);
        return;
      }
    }
    this.#renderDeferred = false;
    if (this.#catchUp !== undefined) {
      // Only when set: clearTimeout(undefined) on every render showed in profiles.
      clearTimeout(this.#catchUp);
      this.#catchUp = undefined;
    }
    this.#lastRenderAt = performance.now();
    this.#phaseMoved = false;
    // A keyed list that moves the focused row's node (rows arriving or re-ordering around it)
    // blurs it: focus goes back where the user put it (keyboard users would start over from the top).
    let focused = this.shadowRoot?.activeElement ?? null;
    while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
    // A render that removes the focused node (its row read or deleted elsewhere) moves focus to the
    // nearest place left, not to <body> (QA63 F2: src/internal/focus-keeper.ts).
    const mark = markFocus(this.shadowRoot);
    try {
      super.update(changed);
    } catch (err) {
      // Thrown by render() itself, before LitElement's update reached ReactiveElement's: that one
      // ends the update cycle (or no update is ever scheduled again). Twice does no harm.
      (ReactiveElement.prototype as unknown as { update(c: PropertyValues): void }).update.call(this, changed);
      return this.#renderFailed(err);
    }
    if (focused && !focused.matches(':focus')) (focused as HTMLElement).focus({ preventScroll: true }); // (a removed node takes no focus)
    if (mark) keepFocus(this.shadowRoot!, mark);
  }

  /**
   * A render that threw (QA63 F5: a page that removed `Intl.RelativeTimeFormat`) had drawn part of
   * its template: "Live" over "Loading…" for good, and nothing said why. The element shows the
   * cause instead, as an error (`rt-error`, detail `render-failed`), drops its live/stale states,
   * and tries again at its next update (its data or properties changing).
   */
  #renderFailed(err: unknown): void {
    // An RtError written out: core/errors.js is not part of an element's first paint (the loader's budget).
    const error: RtError = {
      code: 'bad-config',
      message: `rt-monitor could not draw <${this.localName}>: ${err instanceof Error ? err.message : String(err)}. A script on this page may have removed or replaced a browser feature it uses.`,
      detail: 'render-failed',
    };
    for (const name of ['live', 'stale', 'connecting']) this.setState(name, false);
    if (this.#lastErrorKey !== `render|bad-config|${error.message}`) console.error(`[rt-monitor] ${error.message}`, err);
    this.reportError('render', error);
    render(errorView(this.s, error), this.renderRoot, this.renderOptions);
  }

  /**
   * `dir` and `lang` follow the language of the element's words, unless the page set them on the
   * element: Arabic on a left-to-right page lays out right to left, English inside `dir="rtl"` left
   * to right ("21 of 50" laid out right to left reads "50 of 21", isolates or not); and `lang`
   * names the words' language where it differs from the surrounding one, so a screen reader
   * pronounces German as German on an English page. Re-checked when the locale, the page's `lang`
   * or `dir` change, or the element moves.
   */
  #syncLanguage(locale: string): void {
    const parent = this.parentElement ?? ((this.getRootNode() as ShadowRoot).host as Element | undefined) ?? null;
    const dir = this.getAttribute('dir');
    if (dir !== this.#autoDir) this.#autoDir = null; // the page set (or removed) it: the page's wins
    const words = RTL_LOCALE.test(locale) ? 'rtl' : 'ltr';
    // The words' direction also as CSS (`:state(rtl)`, src/styles/shared.ts): a page that sets
    // `direction: rtl` in CSS, not `dir`, matches no `:dir(rtl)` and is overruled there.
    this.setState('rtl', words === 'rtl');
    if (this.#autoDir || dir === null) {
      const inherited = parent?.matches(':dir(rtl)') ? 'rtl' : 'ltr';
      if (words !== inherited) {
        if (dir !== words) this.dir = words;
        this.#autoDir = words;
      } else if (this.#autoDir) {
        this.removeAttribute('dir');
        this.#autoDir = null;
      }
    }
    const lang = this.getAttribute('lang');
    if (lang !== this.#autoLang) this.#autoLang = null;
    if (this.#autoLang || lang === null) {
      const around = parent ? inheritedLang(parent) : '';
      // No language declared around: only a non-English element says what it is.
      const differs = around.trim() ? languageOf(around) !== languageOf(locale) : languageOf(locale) !== 'en';
      if (differs) {
        if (lang !== locale) this.setAttribute('lang', locale);
        this.#autoLang = locale;
      } else if (this.#autoLang) {
        this.removeAttribute('lang');
        this.#autoLang = null;
      }
    }
  }

  /**
   * The locale in effect, as a canonical BCP 47 tag: `locale`, else the provider's, else the page's
   * `lang`, else `en` (a blank value counts as none). Values are read as everywhere in rt-monitor
   * (src/internal/locale.ts): `" de_DE "` is `de-DE`; a value `Intl` rejects gives `en`, with one
   * console warning naming it. A language rt-monitor has no strings for gives `en` (see
   * `labelLocale`), for words and numbers alike.
   */
  get effectiveLocale(): string {
    return labelLocale(this.#askedLocale);
  }

  /** The locale asked for (before `labelLocale` decides whether rt-monitor has its words). */
  get #askedLocale(): string {
    return firstLocale(this.locale, this.contextLocale, pageLang()) || 'en';
  }

  /** The theme in effect: `page` (the default), `auto` (`system` too), `light` or `dark`. */
  get effectiveTheme(): 'page' | 'auto' | 'light' | 'dark' {
    const t = this.theme || this.contextTheme;
    sayUnknownChoice(this.theme ? this.localName : 'rt-provider', 'theme', t, THEMES, 'page');
    return t === 'light' || t === 'dark' || t === 'auto' ? t : t === 'system' ? 'auto' : 'page';
  }

  #resolvedScheme: 'light' | 'dark' | undefined;
  #schemeDirty = true;

  /**
   * The colour scheme the element is drawn in, `light` or `dark`: the forced theme, the OS's for
   * `auto`, else the scheme of the `color-scheme` it inherits from the page (read when the element
   * first renders and again when its theme or the OS preference changes; the colours themselves
   * follow any change at once, through CSS `light-dark()`).
   */
  get colorScheme(): 'light' | 'dark' {
    if (this.#schemeDirty || !this.#resolvedScheme) {
      this.#schemeDirty = false;
      const theme = this.effectiveTheme;
      const root = this.getRootNode();
      const outer = root instanceof ShadowRoot ? root.host : null;
      if (theme === 'light' || theme === 'dark') this.#resolvedScheme = theme;
      else if (theme === 'auto') this.#resolvedScheme = osPrefersDark() ? 'dark' : 'light';
      else if (outer instanceof RtElement) this.#resolvedScheme = outer.colorScheme; // inside a dashboard: its scheme
      else this.#resolvedScheme = this.isConnected ? schemeOf(getComputedStyle(this).colorScheme, this.ownerDocument) : 'light';
      if (theme === 'light' || theme === 'dark') schemeFollowers.delete(this);
      else if (this.isConnected) schemeFollowers.add(this);
    }
    return this.#resolvedScheme;
  }

  /** @internal The OS colour preference changed (src/internal/rt-element.ts). */
  colorSchemeChanged(): void {
    this.#schemeDirty = true;
    this.requestUpdate();
  }

  /** Right-to-left: an RTL locale, or `dir="rtl"` on the element or an ancestor. */
  get isRtl(): boolean {
    return RTL_LOCALE.test(this.effectiveLocale) || this.matches(':dir(rtl)');
  }

  #stringsWait?: Promise<void>;

  /**
   * The strings for the locale (English, registered or bundled). A bundled translation that is not
   * loaded yet starts loading here and the element re-renders when it arrives. On RTL pages the
   * values inserted into sentences come wrapped in FSI…PDI (bidi isolates).
   */
  protected get s(): RtStrings {
    const wait = pendingStrings(this.#askedLocale);
    if (wait && wait !== this.#stringsWait) void (this.#stringsWait = wait).then(() => this.requestUpdate());
    return stringsFor(this.effectiveLocale, this.isRtl);
  }

  /** Dispatches a typed rt-* event (bubbles, composed). Returns false if a listener cancelled it. */
  emit<K extends RtEventName>(name: K, detail: RtEventDetailMap[K], init: { cancelable?: boolean } = {}): boolean {
    return this.dispatchEvent(new RtEvent(name, detail, init));
  }

  #lastErrorKey: string | null = null;

  /** Fires `rt-error` once when `error` appears or changes (not on every render). */
  protected reportError(source: string, error: RtError | null | undefined): void {
    const key = error ? `${source}|${error.code}|${error.message}` : null;
    if (key === this.#lastErrorKey) return;
    this.#lastErrorKey = key;
    if (error) this.emit('rt-error', { error, source });
  }

  /**
   * Reflects a feed's phase as the custom states `:state(live)`, `:state(connecting)` and
   * `:state(stale)`, and reports its error once as `rt-error` from `source` (a table name).
   */
  protected reflectFeed(source: string, phase: LiveQueryPhase, error: RtError | null | undefined): void {
    if (phase !== this.#phase) {
      this.#phase = phase;
      this.#phaseMoved = true;
    }
    this.setState('stale', phase === 'stale');
    this.setState('connecting', phase === 'connecting');
    this.setState('live', phase === 'live');
    this.reportError(source, error);
  }

  /** The frame this element last rendered in (src/core/frame.ts): at most one render per frame. */
  #renderedInFrame = 0;

  /**
   * Coalesce on the page's one frame scheduler: inside a frame (a store just delivered, or a
   * dashboard just rendered and handed its cards new rows) render now, before that frame's paint;
   * otherwise, or if this element already rendered in this frame, wait for the next frame.
   */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const frame = currentFrame();
    if (frame !== 0 && frame !== this.#renderedInFrame) {
      this.#renderedInFrame = frame;
      return super.scheduleUpdate();
    }
    return nextFrame().then(() => {
      this.#renderedInFrame = currentFrame();
      return super.scheduleUpdate();
    });
  }

  /** The `dir` this element set on itself (null: none; a `dir` the page set is left alone). */
  #autoDir: 'ltr' | 'rtl' | null = null;
  /** The `lang` this element set on itself (null: none; a `lang` the page set is left alone). */
  #autoLang: string | null = null;
  /** What `dir` and `lang` were last worked out from (they are re-checked when it changes). */
  #languageKey = '';

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const locale = this.effectiveLocale;
    const key = `${locale}|${pageLang()}|${pageDir()}`;
    if (key !== this.#languageKey) {
      this.#languageKey = key;
      this.#syncLanguage(locale);
    }
    const theme = this.effectiveTheme;
    // Inside another rt-monitor element with the same theme: inherit its tokens (src/styles/tokens.ts).
    const root = this.getRootNode();
    const outer = root instanceof ShadowRoot ? root.host : null;
    if (!this.hasUpdated || changed.has('theme') || changed.has('contextTheme')) this.#schemeDirty = true;
    const nested = outer instanceof RtElement && outer.effectiveTheme === theme;
    this.setState('nested', nested);
    // A theme of its own (not the page's): what is transparent by default paints its own surface,
    // or its text would sit on the page's background of the other scheme.
    this.setState('own-surface', theme !== 'page' && !nested);
    // color-scheme on :host for auto / light / dark; none for page (inherited from the page).
    this.setState('theme-auto', theme === 'auto');
    this.setState('theme-light', theme === 'light');
    this.setState('theme-dark', theme === 'dark');
    const scheme = this.colorScheme;
    this.setState('dark', scheme === 'dark');
    this.setState('light', scheme === 'light');
  }

  /**
   * Runs in every update after each controller's `hostUpdate()` — so controller state matches this
   * update's properties (a `stream-id` set a moment ago has already replaced the previous
   * subscription) — and before `render()`. Reactive properties set here render in this update.
   * `willUpdate()` runs before the controllers and would see the previous subject's state.
   */
  protected controllersUpdated(_changed: PropertyValues): void {}

  /** Sets or clears a custom state (`:state(name)`) for styling from outside. */
  protected setState(name: string, on: boolean): void {
    try {
      // Only on a change: touching a custom state restyles the host and its whole shadow tree.
      const states = this.internals.states;
      if (on === states.has(name)) return;
      if (on) states.add(name);
      else states.delete(name);
    } catch {
      /* unsupported */
    }
  }
}
