/**
 * What a feed is: one monitored table, its row type, how its parameters become a snapshot
 * query and a realtime filter, and which row states are terminal (never coalesced away).
 * Adding a monitored table = one more file like streams.ts plus an entry in index.ts.
 */
import type { FeedName, FeedParams, ResolveContext, SnapshotQuery } from '../client-types.js';
import type { MonitoredTable, RtError } from '../types.js';
import { rtError } from '../errors.js';
import { keyProblem, normalizeKey } from '../keys.js';

export interface ResolvedFeed {
  query: SnapshotQuery;
  /** Original-design style name, e.g. `stream:<id>:progress`. */
  name: string;
}

export interface FeedDef<F extends FeedName, R> {
  feed: F;
  table: MonitoredTable;
  kind: 'single' | 'list';
  /** Identity of the store for these parameters (before defaults are resolved). */
  key(params: FeedParams[F]): string;
  /** Resolve defaults (user / org from the token) and build the query, or explain why not. */
  resolve(params: FeedParams[F], ctx: ResolveContext): Promise<ResolvedFeed | RtError>;
  /** Rows in a state that must reach subscribers even when coalescing (completed, failed…). */
  isTerminal?(row: R): boolean;
}

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 1000;

export function clampLimit(limit: number | undefined, fallback = DEFAULT_LIST_LIMIT): number {
  if (limit === undefined || limit === null || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(limit)));
}

/** A required id parameter (text, bigint or uuid; see ../keys.ts) in canonical form, or why not. */
export function requireId(value: unknown, what: string): string | RtError {
  const v = normalizeKey(value);
  if (v === null) return rtError('bad-config', `No ${what} given.`);
  return keyProblem(v, what) ?? v;
}

/** Resolve an optional user id: the given one, else the token's `sub`. */
export async function resolveUser(userId: unknown, ctx: ResolveContext): Promise<string | RtError> {
  if (normalizeKey(userId) !== null) return requireId(userId, 'user id');
  const me = await ctx.getUserId();
  return me ?? rtError('forbidden', 'Not signed in: pass a user id, or give the client a signed-in user\'s access token.');
}

/** Resolve an optional org id: the given one, else the signed-in user's org. */
export async function resolveOrg(orgId: unknown, ctx: ResolveContext): Promise<string | RtError> {
  if (normalizeKey(orgId) !== null) return requireId(orgId, 'org id');
  const me = await ctx.getUserId();
  if (!me) return rtError('forbidden', 'Not signed in: pass an org id, or give the client a signed-in user\'s access token.');
  const org = await ctx.getOrgId();
  return org ?? rtError('forbidden', 'No access: the signed-in user is not a member of any organisation (org_members).');
}

