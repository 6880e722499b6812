import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrls } from './redact-url.js';

describe('redactUrl', () => {
  it('hides the password', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
  });

  it('hides credentials in the query string, keeping everything else', () => {
    expect(redactUrl('postgres://h/db?user=u&password=secret&sslmode=require')).toBe(
      'postgres://h/db?user=u&password=***&sslmode=require',
    );
    expect(redactUrl('redis://h:6379/0?sslpassword=s1&auth_token=s2')).not.toMatch(/s1|s2/);
    expect(redactUrl('https://b.s3/x?X-Amz-Signature=abc&X-Amz-Credential=def')).not.toMatch(
      /abc|def/,
    );
  });

  it('hides them in what is not a valid URL too', () => {
    expect(redactUrl('postgres://u:se cret@h/db?password=p w')).not.toMatch(/se cret|p w/);
  });
});

describe('redactUrls', () => {
  it('redacts every URL in a configuration, at any depth, and leaves the rest alone', () => {
    const config = {
      database: { url: 'postgres://u:pw1@h/db' },
      queue: { url: 'redis://:pw2@h:6379' },
      blobs: { url: 's3://bucket/prefix', s3: { endpoint: 'https://k:pw3@minio:9000' } },
      list: ['http://a:pw4@b'],
      port: 8080,
      dataDir: './data',
    };
    const redacted = redactUrls(config);
    expect(JSON.stringify(redacted)).not.toMatch(/pw\d/);
    expect(redacted.port).toBe(8080);
    expect(redacted.dataDir).toBe('./data');
    expect(redacted.blobs.url).toBe('s3://bucket/prefix');
    expect(config.database.url).toBe('postgres://u:pw1@h/db'); // a copy, not in place
  });
});
