/**
 * Shared by the React and Vue examples: where the backend is (`?backend=` or the local default),
 * its public config (`/__demo/config`: url, anon key, seeded users) and a signed-in user's token.
 */
export interface ExampleSetup {
  url: string;
  anonKey: string;
  accessToken: string;
  userId: string;
  streamId: string;
}

const params = new URLSearchParams(location.search);

export async function exampleSetup(): Promise<ExampleSetup> {
  let backend = 'http://127.0.0.1:54321';
  const fromQuery = params.get('backend');
  if (fromQuery && /^https?:\/\//.test(fromQuery)) backend = new URL(fromQuery).origin;
  const config = (await (await fetch(`${backend}/__demo/config`)).json()) as {
    url: string; anonKey: string; password: string; users: { id: string; email: string }[];
  };
  const email = params.get('user') ?? 'alice@example.com';
  const user = config.users.find((u) => u.email === email) ?? config.users[0];
  const res = await fetch(`${config.url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: config.anonKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: config.password }),
  });
  const session = (await res.json()) as { access_token: string };
  return {
    url: config.url,
    anonKey: config.anonKey,
    accessToken: session.access_token,
    userId: user.id,
    streamId: params.get('stream') ?? '5a000000-0000-4000-8000-000000000001', // seeded Acme stream
  };
}
