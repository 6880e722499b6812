/** Query parameters that carry a credential, whatever the driver calls them. */
const SECRET_PARAMETER = /pass|secret|token|key|signature|credential|auth/i;

/**
 * The URL with its credentials replaced, for logs, health output and recorded
 * configuration: the password of its user part and every query parameter that names a
 * secret (`?password=`, `sslpassword`, `X-Amz-Signature`, `token` …). The user name, host
 * and port stay: they say where, not how to get in.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()]) {
      if (SECRET_PARAMETER.test(name)) parsed.searchParams.set(name, '***');
    }
    return parsed.toString();
  } catch {
    return url
      .replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
      .replace(
        /([?&][^=&]*(?:pass|secret|token|key|signature|credential|auth)[^=&]*=)[^&]*/gi,
        '$1***',
      );
  }
}

/** A copy of `value` with every URL-like string in it redacted (`redactUrl`), at any depth. */
export function redactUrls<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('://') ? redactUrl(value) : value) as T;
  if (Array.isArray(value)) return value.map(redactUrls) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, redactUrls(inner)]),
    ) as T;
  }
  return value;
}
