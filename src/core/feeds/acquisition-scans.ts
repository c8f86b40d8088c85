/** Feeds over `acquisition_scans`: one scan by id, a user's recent scans. */
import { ACTIVE_STATUSES, TERMINAL_STATUSES } from '../vocabulary.js';
import type { AcquisitionScan } from '../types.js';
import { defineFeed } from './feed.js';

export const SCANS_TABLE = 'acquisition_scans' as const;
export type ScanRow = AcquisitionScan;

const terminal = { column: 'status', values: TERMINAL_STATUSES } as const;

export const scanFeed = defineFeed<AcquisitionScan, { scanId: string }>({
  name: 'scan',
  table: SCANS_TABLE,
  kind: 'single',
  filters: [{ column: 'id', param: 'scanId', what: 'scan id' }],
  terminal,
  label: (v) => `scan:${v.id}:progress`,
});

export const userScansFeed = defineFeed<AcquisitionScan, { userId?: string | null; limit?: number }>({
  name: 'user-scans',
  table: SCANS_TABLE,
  kind: 'list',
  filters: [{ column: 'user_id', param: 'userId', fallback: 'user' }],
  limit: 20,
  terminal,
  pinned: { column: 'status', values: ACTIVE_STATUSES },
  label: (v) => `scans:${v.user_id}`,
});
