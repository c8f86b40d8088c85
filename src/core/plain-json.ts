/**
 * JSON that a page's own `toJSON` on `Array.prototype` or `Object.prototype` cannot reach. Old
 * libraries that legacy pages still load add one (Prototype.js 1.6: `Array.prototype.toJSON`
 * returns the array already as JSON text), and `JSON.stringify` then writes an array as a string:
 * every Phoenix frame (`[join_ref, ref, topic, event, payload]`) reached the server as one quoted
 * string, which it ignores, so the socket never joined a channel. postgrest-js's request bodies
 * and `cs.` / `cd.` filters are written the same way (src/core/rest-source.ts).
 */
const PROTOTYPES = [Array.prototype, Object.prototype];

/**
 * Runs `write` (which calls `JSON.stringify`, synchronously) with the page's own `toJSON` on
 * `Array.prototype` / `Object.prototype` set aside, and puts them back; returns what it returns.
 * A `toJSON` that cannot be set aside (not configurable) stays.
 */
export function withPlainJson<T>(write: () => T): T {
  const aside: Array<[object, PropertyDescriptor]> = [];
  for (const proto of PROTOTYPES) {
    const own = Object.getOwnPropertyDescriptor(proto, 'toJSON');
    if (own?.configurable && delete (proto as { toJSON?: unknown }).toJSON) aside.push([proto, own]);
  }
  try {
    return write();
  } finally {
    for (const [proto, own] of aside) Object.defineProperty(proto, 'toJSON', own);
  }
}
