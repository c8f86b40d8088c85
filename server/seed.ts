/** Demo data: two orgs, three users (alice and carol in Acme, bob in Globex), a few rows per table. */
import type { Db } from './db.ts';
import { hashPassword } from './passwords.ts';

export const DEMO_PASSWORD = 'rt-monitor-demo';

export const DEMO_ORGS = {
  acme: '00000000-0000-4000-a000-00000000ac01',
  globex: '00000000-0000-4000-a000-0000000061e0',
} as const;

export const DEMO_USERS = [
  { id: '11111111-1111-4111-8111-111111111111', email: 'alice@example.com', name: 'Alice', org: DEMO_ORGS.acme, role: 'owner' },
  { id: '33333333-3333-4333-8333-333333333333', email: 'carol@example.com', name: 'Carol', org: DEMO_ORGS.acme, role: 'member' },
  { id: '22222222-2222-4222-8222-222222222222', email: 'bob@example.com', name: 'Bob', org: DEMO_ORGS.globex, role: 'owner' },
] as const;

export const DEMO_STREAMS = {
  acmeOnboarding: '5a000000-0000-4000-8000-000000000001',
  acmeExpansion: '5a000000-0000-4000-8000-000000000002',
  globexLaunch: '5a000000-0000-4000-8000-000000000003',
} as const;

export const DEMO_SCANS = {
  alice: '5c000000-0000-4000-8000-000000000001',
  bob: '5c000000-0000-4000-8000-000000000002',
} as const;

export async function seed(db: Db): Promise<void> {
  const existing = await db.query<{ n: number }>(`select count(*)::int as n from auth.users`);
  if ((existing.rows[0]?.n ?? 0) > 0) return; // persisted data dir: seed once
  await db.transaction(async (tx) => {
    await tx.query(`insert into public.orgs (id, name) values ($1, 'Acme'), ($2, 'Globex')`, [DEMO_ORGS.acme, DEMO_ORGS.globex]);
    for (const u of DEMO_USERS) {
      await tx.query(
        `insert into auth.users (id, email, encrypted_password, raw_user_meta_data) values ($1, $2, $3, $4)`,
        [u.id, u.email, hashPassword(DEMO_PASSWORD), JSON.stringify({ name: u.name })],
      );
      await tx.query(`insert into public.org_members (org_id, user_id, role) values ($1, $2, $3)`, [u.org, u.id, u.role]);
    }
    const [alice, carol, bob] = DEMO_USERS;
    await tx.query(
      `insert into public.streams (id, org_id, name, goal_status, current_progress) values
        ($1, $4, 'Customer onboarding', 'in_progress', '{"percentage": 42, "completed": 21, "total": 50}'),
        ($2, $4, 'Enterprise expansion', 'pending', '{"percentage": 0, "completed": 0, "total": 120}'),
        ($3, $5, 'Product launch', 'in_progress', '{"percentage": 65, "completed": 13, "total": 20}')`,
      [DEMO_STREAMS.acmeOnboarding, DEMO_STREAMS.acmeExpansion, DEMO_STREAMS.globexLaunch, DEMO_ORGS.acme, DEMO_ORGS.globex],
    );
    await tx.query(
      `insert into public.acquisition_scans (id, user_id, org_id, name, status, progress_percentage, current_step,
         targets_identified, targets_analyzed, started_at) values
        ($1, $3, $5, 'SaaS companies in Austin', 'running', 35, 'Analyzing websites', 40, 14, now() - interval '3 minutes'),
        ($2, $4, $6, 'Fintech in Berlin', 'queued', 0, null, 0, 0, null)`,
      [DEMO_SCANS.alice, DEMO_SCANS.bob, alice.id, bob.id, DEMO_ORGS.acme, DEMO_ORGS.globex],
    );
    await tx.query(
      `insert into public.agent_executions (stream_id, agent_id, status, started_at, completed_at, output) values
        ($1, 'research-agent', 'running', now() - interval '40 seconds', null, null),
        ($1, 'enrichment-agent', 'completed', now() - interval '5 minutes', now() - interval '4 minutes', '{"records": 21}'),
        ($2, 'outreach-agent', 'running', now() - interval '15 seconds', null, null)`,
      [DEMO_STREAMS.acmeOnboarding, DEMO_STREAMS.globexLaunch],
    );
    await tx.query(
      `insert into public.signal_alerts (user_id, org_id, business_name, signal_type, priority, details, created_at) values
        ($1, $3, 'Northwind Traders', 'funding_round', 'high', '{"amount": "12M"}', now() - interval '2 hours'),
        ($1, $3, 'Contoso Ltd', 'hiring_spike', 'medium', '{"roles": 14}', now() - interval '20 minutes'),
        ($4, $3, 'Fabrikam', 'leadership_change', 'low', null, now() - interval '1 hour'),
        ($2, $5, 'Initech', 'funding_round', 'critical', '{"amount": "40M"}', now() - interval '5 minutes')`,
      [alice.id, bob.id, DEMO_ORGS.acme, carol.id, DEMO_ORGS.globex],
    );
    await tx.query(
      `insert into public.notifications (user_id, title, body, type, link, created_at) values
        ($1, 'Welcome to rt-monitor', 'Your dashboard updates live as your data changes.', 'info', null, now() - interval '1 day'),
        ($1, 'Scan started', 'SaaS companies in Austin is running.', 'success', '/scans', now() - interval '3 minutes'),
        ($2, 'Welcome to rt-monitor', 'Your dashboard updates live as your data changes.', 'info', null, now() - interval '1 day'),
        ($3, 'Welcome to rt-monitor', 'Your dashboard updates live as your data changes.', 'info', null, now() - interval '1 day')`,
      [alice.id, bob.id, carol.id],
    );
  });
}
