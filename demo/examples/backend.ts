/**
 * Shared by the React and Vue examples: where the backend is, its public config
 * (`/__demo/config`: url, anon key, seeded users) and a signed-in user's token.
 *
 * The backend address comes from the running backend, never a fixed port: `?backend=` in the page
 * URL, else `VITE_RT_BACKEND_URL`, which `npm start` sets to the URL of the backend it started
 * (`--port`, default 54321, or any free port). Neither given: the page says so instead of guessing.
 */
export interface ExampleSetup {
  url: string;
  anonKey: string;
  accessToken: string;
  userId: string;
  streamId: string;
}

const params = new URLSearchParams(location.search);
const env = (import.meta as unknown as { env?: Record<string, string | undefined> }).env ?? {};

/** The backend's origin: `?backend=`, else the URL `npm start` handed Vite; throws when neither is set. */
export function backendUrl(): string {
  for (const candidate of [params.get('backend'), env.VITE_RT_BACKEND_URL]) {
    if (!candidate) continue;
    try {
      const u = new URL(candidate);
      if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
    } catch {
      /* not a URL: try the next */
    }
  }
  throw new Error('No backend address: open this page from `npm start` (it passes the backend URL) or add ?backend=http://127.0.0.1:PORT');
}

export async function exampleSetup(): Promise<ExampleSetup> {
  const backend = backendUrl();
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
