/**
 * Values a host page handed to an element before (or instead of) its definition.
 *
 * 1. Properties set on an element before its class was defined (`el.client = supabase` on a plain
 *    HTMLElement: a React `ref` callback, Vue's `.prop` modifier, a loader script) become own
 *    properties that shadow the class's accessors. Lit keeps them aside and plays them back at
 *    the first update (a frame later for rt-monitor widgets), and then overwrites anything the page
 *    set in between. {@link takeBeforeDefine} / {@link absorbUpgradeProperties} apply them through
 *    the accessors at once instead (the standard upgrade-property pattern).
 * 2. Frameworks that find no property of that name on a not-yet-defined element set an attribute,
 *    so objects arrive as `client="[object Object]"` and functions as their source text.
 *    {@link stringifiedKind} recognises that; {@link reportMisdelivered} says once, in the console,
 *    how to pass the value instead.
 */
import type { ReactiveElement } from 'lit';
import type { RtClientApi } from '../core/client-types.js';
import { createFailedClient } from '../core/failed-client.js';
import { rtError } from '../core/errors.js';

type LitClass = typeof ReactiveElement;
const taken = new WeakMap<Element, Map<PropertyKey, unknown>>();

/** The reactive property names of a Lit class (finalizing it if needed). */
function propertyNames(cls: LitClass): PropertyKey[] {
  void cls.observedAttributes; // finalizes the class: elementProperties is complete afterwards
  return [...cls.elementProperties.keys()];
}

/** Moves `el`'s own values of reactive properties aside (into `into`); returns whether any. */
function takeOwn(el: Element, names: PropertyKey[], into: Map<PropertyKey, unknown>): boolean {
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(el, name)) {
      into.set(name, (el as unknown as Record<PropertyKey, unknown>)[name]);
      delete (el as unknown as Record<PropertyKey, unknown>)[name];
    }
  }
  return into.size > 0;
}

/**
 * Call just before `registry.define(tag, cls)`: takes the own property values off the instances
 * of `tag` already in the document (they upgrade synchronously inside `define`), for
 * {@link absorbUpgradeProperties} to apply in their constructors.
 */
export function takeBeforeDefine(tag: string, cls: LitClass, root: ParentNode | undefined = typeof document !== 'undefined' ? document : undefined): void {
  if (!root) return;
  const names = propertyNames(cls);
  for (const el of root.querySelectorAll(tag)) {
    const values = new Map<PropertyKey, unknown>();
    if (takeOwn(el, names, values)) taken.set(el, values);
  }
}

/**
 * Call in the constructor (after `super()`) and in `connectedCallback`: sets, through the
 * accessors, the values given before the upgrade, so they are readable at once and a later
 * assignment is never overwritten by the older value.
 */
export function absorbUpgradeProperties(el: ReactiveElement): void {
  const values = taken.get(el) ?? new Map<PropertyKey, unknown>();
  taken.delete(el);
  takeOwn(el, propertyNames(el.constructor as LitClass), values);
  for (const [name, value] of values) (el as unknown as Record<PropertyKey, unknown>)[name] = value;
}

const OBJECT_TEXT = /^\[object [A-Za-z]*\]$/;
const FUNCTION_TEXT = /^\s*(async\s*)?(function\b|class\b|\([^()]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/;

/** Whether an attribute value is a stringified object (`[object Object]`) or function source. */
export function stringifiedKind(value: string | null | undefined): 'object' | 'function' | null {
  if (!value) return null;
  if (OBJECT_TEXT.test(value.trim())) return 'object';
  if (FUNCTION_TEXT.test(value)) return 'function';
  return null;
}

/** How to pass one property, per host (exact working forms). */
export interface DeliveryHelp {
  /** Property name, e.g. `client`. */
  property: string;
  /** What the value is, e.g. `the Supabase client`. */
  what: string;
  /** An example value expression, e.g. `supabase`. */
  example: string;
}

/** The console text for a value that arrived as an attribute. Exported for tests and docs. */
export function misdeliveredMessage(tag: string, attribute: string, value: string, help: DeliveryHelp): string {
  const { property: p, what, example: v } = help;
  const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
  const vueKey = p === attribute ? p : `${attribute}.camel`;
  const wrapper = tag.replace(/(?:^|-)([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return (
    `rt-monitor: <${tag} ${attribute}="${shown}">: ${what} arrived as an attribute, as text, so rt-monitor cannot use it. ` +
    `This happens when the page (React 19, Vue, a template) renders <${tag}> before rt-monitor's elements are defined, ` +
    `or passes the value with an attribute binding. Set the ${p} property instead:\n` +
    `  React 19: define the elements before rendering (import 'rt-monitor' at the top of the entry module), ` +
    `or <${tag} ref={(el) => { if (el) el.${p} = ${v}; }}>, or the wrapper: import { ${wrapper} } from 'rt-monitor/react'; <${wrapper} ${p}={${v}}>\n` +
    `  Vue: <${tag} :${vueKey}.prop="${v}"> (or h('${tag}', { '.${p}': ${v} })); ` +
    `app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('rt-') only silences Vue's component warning\n` +
    `  Plain JavaScript: document.querySelector('${tag}').${p} = ${v};\n` +
    `See "Frameworks: values set before the elements are defined" in rt-monitor's README.`
  );
}

const reported = new Set<string>();

/** console.error once per element kind and attribute. */
export function reportMisdelivered(tag: string, attribute: string, value: string, help: DeliveryHelp): void {
  const key = `${tag}|${attribute}`;
  if (reported.has(key)) return;
  reported.add(key);
  console.error(misdeliveredMessage(tag, attribute, value, help));
}

/**
 * For widgets: warns (once per tag and attribute) about object-valued properties (`attribute: false`)
 * that arrived as attributes, e.g. `<rt-stream-card stream="[object Object]">`.
 */
export function checkObjectAttributes(el: ReactiveElement): void {
  const cls = el.constructor as LitClass;
  propertyNames(cls);
  for (const [name, options] of cls.elementProperties) {
    if (options.attribute !== false || typeof name !== 'string') continue;
    for (const attr of new Set([name.toLowerCase(), name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)])) {
      const value = el.getAttribute(attr);
      if (stringifiedKind(value) && (el as unknown as Record<string, unknown>)[name] === undefined) {
        reportMisdelivered(el.localName, attr, value!, { property: name, what: `The value of "${name}"`, example: name });
      }
    }
  }
}

/**
 * Values given under a name the element does not read, taken as meant (QA55 F1, F2):
 * - an attribute named as its property in lower case (`streamid` for `stream-id`): Svelte 5 sets a
 *   prop of an element not yet defined as an attribute of that name (`streamId={id}`), and a
 *   hand-written `anonkey=` reads the same. Taken as that attribute (unless it is there too), and
 *   said once per tag and attribute on the console. Text that cannot be used (an object's or
 *   function's) is taken too, so that the element names that cause in its own words;
 * - a property named as its attribute (`el['stream-id'] = id`, set before the element was
 *   defined): set through the accessor {@link acceptAttributeNamedProperties} gives it.
 */
export function absorbMisnamed(el: ReactiveElement): void {
  const cls = el.constructor as LitClass;
  propertyNames(cls);
  for (const [name, options] of cls.elementProperties) {
    const attribute = options.attribute;
    if (typeof name !== 'string' || typeof attribute !== 'string') continue;
    if (attribute.includes('-') && Object.prototype.hasOwnProperty.call(el, attribute)) {
      const value = (el as unknown as Record<string, unknown>)[attribute];
      delete (el as unknown as Record<string, unknown>)[attribute];
      (el as unknown as Record<string, unknown>)[attribute] = value;
    }
    const lower = name.toLowerCase();
    if (attribute === lower || !el.hasAttribute(lower) || el.hasAttribute(attribute)) continue;
    const key = `${el.localName}|${lower}`;
    if (!reported.has(key)) {
      reported.add(key);
      console.warn(
        `rt-monitor: <${el.localName} ${lower}="…"> read as ${attribute}="…": <${el.localName}> has no attribute ${lower} (markup lower-cases ${name}). ` +
          `Write ${attribute}="…", or set the property ${name} (Angular: [${name}]; Svelte 5 sets it so on an element not defined yet: import rt-monitor before the app mounts).`,
      );
    }
    el.setAttribute(attribute, el.getAttribute(lower)!);
  }
}

/**
 * Properties named as their attribute (`el['stream-id'] = id`): Angular's `stream-id="{{ id }}"`
 * and Vue's `:stream-id.prop` set one so (QA55 F2), which no element read. Call before defining
 * `cls`: each hyphenated attribute name gets an accessor on its prototype that sets the attribute
 * (a Boolean one: present or absent; `null` / `undefined` remove it) and reads the property.
 */
export function acceptAttributeNamedProperties(cls: LitClass): void {
  propertyNames(cls);
  const proto = cls.prototype as object;
  for (const [name, options] of cls.elementProperties) {
    const attribute = options.attribute;
    if (typeof name !== 'string' || typeof attribute !== 'string' || !attribute.includes('-') || attribute in proto) continue;
    const flag = options.type === Boolean;
    Object.defineProperty(proto, attribute, {
      configurable: true,
      get(this: Record<string, unknown>) {
        return this[name];
      },
      set(this: Element, value: unknown) {
        if (value == null || (flag && value === false)) this.removeAttribute(attribute);
        else this.setAttribute(attribute, flag ? '' : String(value));
      },
    });
  }
}

/** The `RtError.detail` (and strings key) of a value that arrived as an attribute. */
export const MISDELIVERED = 'property-as-attribute';
/** The same for the provider's access token (its own words: the client is not the cause). */
export const MISDELIVERED_TOKEN = 'token-as-attribute';

/** The provider's attributes that frameworks fill with stringified objects / functions. */
const PROVIDER_HELP: Record<string, DeliveryHelp> = {
  client: { property: 'client', what: 'The Supabase client', example: 'supabase' },
  'access-token': { property: 'accessToken', what: 'The access token (an object or function)', example: 'getToken' },
};

/**
 * For `<rt-provider>`'s attributeChangedCallback. A stringified value of `client` / `access-token`:
 * reports it (once) and returns a client whose widgets show that cause. A usable value of one of
 * them: `null` (the cause is gone). Any other attribute: `undefined`.
 */
export function misdeliveredClient(tag: string, attribute: string, value: string | null): RtClientApi | null | undefined {
  const help = PROVIDER_HELP[attribute];
  if (!help) return undefined;
  if (!stringifiedKind(value)) return null;
  reportMisdelivered(tag, attribute, value!, help);
  const message = misdeliveredMessage(tag, attribute, value!, help).split('\n')[0];
  return createFailedClient(rtError('bad-config', message, attribute === 'access-token' ? MISDELIVERED_TOKEN : MISDELIVERED));
}
