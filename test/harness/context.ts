import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';

/**
 * Helpers for test files of the integration and e2e tiers. Each call makes fresh,
 * uniquely named resources under the run's prefix; the global teardown removes them all.
 */
export function uniqueName(): string {
  return `${inject('runId')}_${randomBytes(4).toString('hex')}`;
}

/** A new, empty PostgreSQL database for one test file; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject('postgresUrl');
  const name = uniqueName();
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Redis URL and a key prefix unique to the caller. */
export function testRedis(): { url: string; prefix: string } {
  return { url: inject('redisUrl'), prefix: uniqueName() };
}

export function testS3(): { endpoint: string; bucket: string; prefix: string } {
  return { endpoint: inject('s3Endpoint'), bucket: inject('s3Bucket'), prefix: uniqueName() };
}

/** Headers with a new API token of `role`, for requests to the HTTP app of a test runtime. */
export async function bearer(
  runtime: {
    access: {
      createToken(input: { name: string; role: never }, actor: string): Promise<{ token: string }>;
    };
  },
  role: 'viewer' | 'operator' | 'admin' | 'predict',
): Promise<{ authorization: string }> {
  const { token } = await runtime.access.createToken(
    { name: `test-${role}-${randomBytes(3).toString('hex')}`, role: role as never },
    'test',
  );
  return { authorization: `Bearer ${token}` };
}
