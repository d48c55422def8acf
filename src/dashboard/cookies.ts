/**
 * Cookie reading and writing, by hand: the dashboard needs two cookies and this avoids a plugin.
 */

/** The cookies of a `Cookie` header, by name (the first of a repeated name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (out.has(name)) continue;
    try {
      out.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // A malformed value is ignored: it can only be a stale or forged cookie.
    }
  }
  return out;
}

/** Options of {@link serializeCookie}. */
export interface CookieOptions {
  secure: boolean;
  /** Seconds; 0 deletes the cookie; absent makes a browser-session cookie. */
  maxAge?: number;
}

/** A `Set-Cookie` value: always HttpOnly, SameSite=Lax, Path=/, and Secure when served over https. */
export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    ...(opts.secure ? ['Secure'] : []),
    ...(opts.maxAge !== undefined ? [`Max-Age=${opts.maxAge}`] : []),
  ].join('; ');
}
