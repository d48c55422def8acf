/**
 * Log in, log out, and the language switch. The login form has no session yet, so its CSRF token
 * is a double-submit cookie: a random value in a cookie and in the form, which must match.
 */
import type { FastifyInstance } from 'fastify';
import { type Dashboard, formOf, sendPage, staffOf } from './dashboard-context.ts';
import { parseCookies, serializeCookie } from './cookies.ts';
import { clientAddress } from '../http-security.ts';
import { loginSprayLimiter, waitText } from './login-limits.ts';
import { sameToken, SESSION_MAX_MS } from './staff-auth.ts';
import { loginView } from './views/login-view.ts';

const LOGIN_CSRF_COOKIE = 'tangrod_login_csrf';

/** Mounts /staff/login, /staff/logout and /staff/language. */
export function registerAuthRoutes(app: FastifyInstance, d: Dashboard): void {
  const { auth, services } = d;
  const secure = auth.secure;
  const spray = loginSprayLimiter(app);

  const languages = services.definitions.staffLanguages;
  const showLogin = (lang: string | undefined, acceptLanguage: string | undefined) => (languages.has(lang) ? lang! : languages.fromHeader(acceptLanguage));

  app.get('/login', { config: { public: true } }, async (req, reply) => {
    if (await auth.fromCookie(req.headers.cookie)) return reply.redirect('/staff', 303);
    const query = req.query as Record<string, string | undefined>;
    const csrf = auth.newToken();
    reply.header('set-cookie', serializeCookie(LOGIN_CSRF_COOKIE, csrf, { secure }));
    return sendPage(reply, loginView({ text: d.text(showLogin(query.lang, req.headers['accept-language'])) }, { csrf }));
  });

  app.post('/login', { config: { public: true } }, async (req, reply) => {
    const form = formOf(req);
    const text = d.text(form.lang);
    const csrf = auth.newToken();
    const again = (status: number, error: string) => {
      reply.header('set-cookie', serializeCookie(LOGIN_CSRF_COOKIE, csrf, { secure }));
      return sendPage(reply, loginView({ text }, { csrf, error, name: (form.name ?? '').slice(0, 100) }), status);
    };
    if (!sameToken(form._csrf, parseCookies(req.headers.cookie).get(LOGIN_CSRF_COOKIE))) return again(403, text.t('error.csrf'));
    const throttled = (ms: number) => {
      reply.header('retry-after', Math.ceil(ms / 1000));
      return again(429, text.t('login.throttled', { time: waitText(text, ms) }));
    };
    // Guessing across many names from one address: counted on failures only, checked first.
    const sprayState = await spray(req, { increment: false });
    if (!sprayState.isAllowed && sprayState.remaining === 0) return throttled(sprayState.ttl);
    const result = await auth.login(String(form.name ?? '').slice(0, 100), String(form.password ?? '').slice(0, 1000), clientAddress(req));
    if (!result.ok && result.reason === 'throttled') return throttled(result.retryAfterMs);
    if (!result.ok) {
      await spray(req);
      return again(401, text.t('login.invalid'));
    }
    await services.staff.recordLogin(result.user.id);
    reply.header('set-cookie', [
      serializeCookie(auth.cookieName, result.sessionId, { secure, maxAge: SESSION_MAX_MS / 1000 }),
      serializeCookie(LOGIN_CSRF_COOKIE, '', { secure, maxAge: 0 }),
    ]);
    return reply.redirect('/staff', 303);
  });

  app.post('/logout', async (req, reply) => {
    await auth.logout(staffOf(req));
    reply.header('set-cookie', serializeCookie(auth.cookieName, '', { secure, maxAge: 0 }));
    return reply.redirect('/staff/login', 303);
  });

  app.post('/language', async (req, reply) => {
    const lang = d.language(formOf(req).lang);
    await services.staff.setLanguage(staffOf(req).user.id, lang);
    return reply.redirect('/staff', 303);
  });
}
