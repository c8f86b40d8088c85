/**
 * Reading V8 heap snapshots (`.heapsnapshot`, as DevTools and CDP `HeapProfiler.takeHeapSnapshot`
 * write them): the heap split into script objects, V8's own metadata (compiled code, bytecode,
 * feedback, hidden classes, caches) and Blink's native objects; per-group counts; what is alive in
 * a later snapshot of the same page and not in an earlier one (object ids are stable within a
 * session), with a retainer path per group. Used by the campaign's heap measure
 * (test/e2e/support/campaign.ts) and bench/heap-diff.ts.
 */
import { readFileSync } from 'node:fs';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface Heap {
  file: string;
  n: number;
  type: Uint8Array;
  name: Uint32Array;
  id: Uint32Array;
  size: Float64Array;
  /** First edge index (into edge arrays) of each node; `firstEdge[n]` = edge count. */
  firstEdge: Uint32Array;
  edgeType: Uint8Array;
  edgeName: Uint32Array; // string index, or element index for element / hidden edges
  edgeTo: Uint32Array; // node index
  strings: string[];
  nodeTypes: string[];
  edgeTypes: string[];
}

export function loadHeap(file: string): Heap {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot;
  const m = raw.snapshot.meta;
  const nf = m.node_fields.length;
  const ef = m.edge_fields.length;
  const [iType, iName, iId, iSize, iEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => m.node_fields.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => m.edge_fields.indexOf(f));
  const n = raw.nodes.length / nf;
  const h: Heap = {
    file,
    n,
    type: new Uint8Array(n),
    name: new Uint32Array(n),
    id: new Uint32Array(n),
    size: new Float64Array(n),
    firstEdge: new Uint32Array(n + 1),
    edgeType: new Uint8Array(raw.edges.length / ef),
    edgeName: new Uint32Array(raw.edges.length / ef),
    edgeTo: new Uint32Array(raw.edges.length / ef),
    strings: raw.strings,
    nodeTypes: m.node_types[0],
    edgeTypes: m.edge_types[0],
  };
  let e = 0;
  for (let i = 0; i < n; i++) {
    const o = i * nf;
    h.type[i] = raw.nodes[o + iType];
    h.name[i] = raw.nodes[o + iName];
    h.id[i] = raw.nodes[o + iId];
    h.size[i] = raw.nodes[o + iSize];
    h.firstEdge[i] = e;
    e += raw.nodes[o + iEdges];
  }
  h.firstEdge[n] = e;
  for (let k = 0; k < h.edgeTo.length; k++) {
    h.edgeType[k] = raw.edges[k * ef + eType];
    h.edgeName[k] = raw.edges[k * ef + eName];
    h.edgeTo[k] = raw.edges[k * ef + eTo] / nf;
  }
  return h;
}

const nodeType = (h: Heap, i: number) => h.nodeTypes[h.type[i]];
const nodeName = (h: Heap, i: number) => h.strings[h.name[i]];
const edgeTypeName = (h: Heap, k: number) => h.edgeTypes[h.edgeType[k]];
const edgeLabel = (h: Heap, k: number) => {
  const t = edgeTypeName(h, k);
  return t === 'element' || t === 'hidden' ? `[${h.edgeName[k]}]` : h.strings[h.edgeName[k]];
};

/** A group key: node type and a short name (long strings and code names are cut). */
export function groupOf(h: Heap, i: number): string {
  const t = nodeType(h, i);
  let name = nodeName(h, i);
  if (t === 'string' || t === 'concatenated string' || t === 'sliced string') name = '';
  else if (t === 'code') name = name.startsWith('(') ? name.replace(/ .*/, '') : '(code: named)';
  else if (name.length > 60) name = `${name.slice(0, 57)}…`;
  return `${t}: ${name}`;
}

/**
 * What each node is, for the measurement:
 * - `native`: Blink's C++ objects (DOM, layout, paint, performance entries, DevTools' network
 *   buffers): outside V8's JS heap (not in `Runtime.getHeapUsage().usedSize`).
 * - `vm`: V8's own metadata rather than objects a script allocates: compiled code (machine code,
 *   relocation and deopt data), bytecode, type feedback, shared function infos, scope infos, IC
 *   handlers (node type `code`: in this V8 every `code` node is one of these), hidden classes
 *   (`object shape`), other `system / …` nodes, and the number-to-string caches hanging off V8's
 *   strong root list.
 * - `js`: everything else: objects, arrays, closures, contexts, strings, numbers of scripts.
 */
export type Kind = 'native' | 'vm' | 'js';

export function kinds(h: Heap): Uint8Array {
  // 0 js, 1 vm, 2 native
  const k = new Uint8Array(h.n);
  for (let i = 0; i < h.n; i++) {
    const t = nodeType(h, i);
    const name = nodeName(h, i);
    if (t === 'code' || t === 'object shape' || name.startsWith('system / ')) k[i] = 1;
    else if (t === 'native' || t === 'synthetic') k[i] = 2;
  }
  for (let i = 0; i < h.n; i++) {
    if (nodeType(h, i) !== 'synthetic' || !/^\(Strong root list\)/.test(nodeName(h, i))) continue;
    for (let e = h.firstEdge[i]; e < h.firstEdge[i + 1]; e++) if (/cache/i.test(edgeLabel(h, e))) k[h.edgeTo[e]] = 1;
  }
  return k;
}

/**
 * Nodes reachable from the page's global objects (Window) over strong edges without passing
 * through V8 metadata (so a closure's code and feedback are not followed, its context is).
 */
export function reachableFromPage(h: Heap, kind = kinds(h)): Uint8Array {
  const seen = new Uint8Array(h.n);
  const stack: number[] = [];
  for (let i = 0; i < h.n; i++) {
    // The page's global: "Window / http://…" objects (the global proxy and the global object).
    if (/^Window( |$)/.test(nodeName(h, i)) && nodeType(h, i) !== 'string') {
      seen[i] = 1;
      stack.push(i);
    }
  }
  while (stack.length) {
    const i = stack.pop()!;
    for (let k = h.firstEdge[i]; k < h.firstEdge[i + 1]; k++) {
      if (edgeTypeName(h, k) === 'weak') continue;
      const to = h.edgeTo[k];
      if (seen[to] || kind[to] === 1) continue;
      seen[to] = 1;
      stack.push(to);
    }
  }
  return seen;
}

/** Retainers: for each node, the edges that point to it (first few). */
export function retainerIndex(h: Heap): { first: Uint32Array; from: Uint32Array; edge: Uint32Array } {
  const count = new Uint32Array(h.n + 1);
  for (let k = 0; k < h.edgeTo.length; k++) count[h.edgeTo[k] + 1]++;
  for (let i = 0; i < h.n; i++) count[i + 1] += count[i];
  const pos = count.slice();
  const from = new Uint32Array(h.edgeTo.length);
  const edge = new Uint32Array(h.edgeTo.length);
  for (let i = 0; i < h.n; i++) {
    for (let k = h.firstEdge[i]; k < h.firstEdge[i + 1]; k++) {
      const p = pos[h.edgeTo[k]]++;
      from[p] = i;
      edge[p] = k;
    }
  }
  return { first: count, from, edge };
}

/** Distance from the GC roots (node 0) over strong edges, for retainer paths toward a root. */
export function distances(h: Heap): Int32Array {
  const d = new Int32Array(h.n).fill(-1);
  const q = new Uint32Array(h.n);
  let head = 0;
  let tail = 0;
  d[0] = 0;
  q[tail++] = 0;
  while (head < tail) {
    const i = q[head++];
    for (let k = h.firstEdge[i]; k < h.firstEdge[i + 1]; k++) {
      if (edgeTypeName(h, k) === 'weak') continue;
      const to = h.edgeTo[k];
      if (d[to] >= 0) continue;
      d[to] = d[i] + 1;
      q[tail++] = to;
    }
  }
  return d;
}

export function retainerPath(h: Heap, r: ReturnType<typeof retainerIndex>, d: Int32Array, start: number, depth = 8): string {
  const parts: string[] = [];
  let i = start;
  for (let step = 0; step < depth && i !== 0; step++) {
    let best = -1;
    let bestEdge = -1;
    for (let p = r.first[i]; p < r.first[i + 1]; p++) {
      const k = r.edge[p];
      if (edgeTypeName(h, k) === 'weak') continue;
      const f = r.from[p];
      if (d[f] < 0) continue;
      if (best < 0 || d[f] < d[best]) {
        best = f;
        bestEdge = k;
      }
    }
    if (best < 0) {
      parts.push('(only weakly held)');
      break;
    }
    parts.push(`${edgeLabel(h, bestEdge)} ← ${groupOf(h, best)}`);
    i = best;
  }
  return parts.join(' ← ');
}

export interface Totals {
  nodes: number;
  /** V8 heap: every node that is not Blink's (`js` + `vm`); close to `usedSize` after GC. */
  v8Bytes: number;
  /** V8 metadata: compiled code, bytecode, feedback, maps, caches. */
  vmBytes: number;
  /** Script objects: `v8Bytes` − `vmBytes`. */
  jsBytes: number;
  /** Script objects reachable from the page's Window (not through V8 metadata). */
  pageJsBytes: number;
  nativeBytes: number;
  byType: Record<string, { count: number; bytes: number }>;
}

export function totals(h: Heap): Totals {
  const kind = kinds(h);
  const reach = reachableFromPage(h, kind);
  const t: Totals = { nodes: h.n, v8Bytes: 0, vmBytes: 0, jsBytes: 0, pageJsBytes: 0, nativeBytes: 0, byType: {} };
  for (let i = 0; i < h.n; i++) {
    const s = h.size[i];
    if (kind[i] === 2) t.nativeBytes += s;
    else {
      t.v8Bytes += s;
      if (kind[i] === 1) t.vmBytes += s;
      else {
        t.jsBytes += s;
        if (reach[i]) t.pageJsBytes += s;
      }
    }
    const g = (t.byType[nodeType(h, i)] ??= { count: 0, bytes: 0 });
    g.count++;
    g.bytes += s;
  }
  return t;
}

/** Groups of nodes alive in `b` whose ids are not in `a` (allocated between the two and still alive). */
export function newSince(a: Heap, b: Heap, top = 25) {
  const ids = new Set<number>();
  for (let i = 0; i < a.n; i++) ids.add(a.id[i]);
  const groups = new Map<string, { count: number; bytes: number; sample: number; pageReachable: number; vm: number }>();
  const kind = kinds(b);
  const reach = reachableFromPage(b, kind);
  for (let i = 0; i < b.n; i++) {
    if (ids.has(b.id[i])) continue;
    const key = groupOf(b, i);
    const g = groups.get(key) ?? { count: 0, bytes: 0, sample: i, pageReachable: 0, vm: 0 };
    g.count++;
    g.bytes += b.size[i];
    if (reach[i] && kind[i] === 0) g.pageReachable += b.size[i];
    if (kind[i] === 1) g.vm += b.size[i];
    groups.set(key, g);
  }
  const sorted = [...groups.entries()].sort((x, y) => y[1].bytes - x[1].bytes);
  const all = sorted.reduce((s, [, g]) => ({ count: s.count + g.count, bytes: s.bytes + g.bytes, page: s.page + g.pageReachable, vm: s.vm + g.vm }), { count: 0, bytes: 0, page: 0, vm: 0 });
  return { all, top: sorted.slice(0, top) };
}

/** Per-group counts and sizes in each snapshot (all nodes), with the change from the first. */
export function groupTable(heaps: Heap[], top = 30) {
  const per = heaps.map((h) => {
    const m = new Map<string, { count: number; bytes: number }>();
    for (let i = 0; i < h.n; i++) {
      const key = groupOf(h, i);
      const g = m.get(key) ?? { count: 0, bytes: 0 };
      g.count++;
      g.bytes += h.size[i];
      m.set(key, g);
    }
    return m;
  });
  const keys = new Set(per.flatMap((m) => [...m.keys()]));
  const rows = [...keys].map((k) => ({ key: k, v: per.map((m) => m.get(k) ?? { count: 0, bytes: 0 }) }));
  rows.sort((x, y) => Math.abs(y.v[y.v.length - 1].bytes - y.v[0].bytes) - Math.abs(x.v[x.v.length - 1].bytes - x.v[0].bytes));
  return rows.slice(0, top);
}

