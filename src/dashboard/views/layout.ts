/**
 * The page frame: header with navigation, the staff member's name, the language switch and log
 * out. Every form that changes something carries the session's CSRF token via {@link csrfField}.
 */
import { can } from '../../access/access.ts';
import type { DashboardText } from '../../staff/staff-text.ts';
import { html, type SafeHtml } from '../html.ts';
import type { StaffContext } from '../staff-auth.ts';

/** What every page view gets. */
export interface ViewContext {
  text: DashboardText;
  /** Absent on the login page. */
  staff?: StaffContext;
}

/** The hidden CSRF field of a form. */
export function csrfField(ctx: ViewContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.staff?.session.csrf ?? ''}">`;
}

/** A whole page. `current` marks the navigation entry of this page. */
export function page(ctx: ViewContext, title: string, body: SafeHtml, current?: 'queue' | 'stats' | 'monitoring' | 'admin' | 'training'): SafeHtml {
  const { text } = ctx;
  const staff = ctx.staff;
  const nav = (href: string, key: string, id: typeof current) =>
    html`<a href="${href}"${id === current ? html` aria-current="page"` : ''}>${text.t(key)}</a>`;
  return html`<!doctype html>
<html lang="${text.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${text.t('app.name')}</title>
<link rel="stylesheet" href="/staff/static/dashboard.css">
<link rel="icon" href="/staff/static/favicon.svg" type="image/svg+xml">
</head>
<body${text.training ? html` class="training"` : ''}>
<a class="skip" href="#main">${text.t('nav.skip')}</a>
${text.training ? html`<p class="training-banner" role="note">🎓 ${text.t('training.banner')}</p>` : ''}
<header class="top">
  <div class="brand"><a href="/staff">${text.t('app.name')}</a></div>
  ${staff
    ? html`<nav aria-label="${text.t('nav.label')}">
    ${nav('/staff', 'nav.queue', 'queue')}
    ${nav('/staff/stats', 'nav.stats', 'stats')}
    ${can(staff.user.role, 'monitoring') ? nav('/staff/monitoring', 'monitoring.nav', 'monitoring') : ''}
    ${can(staff.user.role, 'manage_staff') ? nav('/staff/admin', 'nav.admin', 'admin') : ''}
    ${text.training ? nav('/staff/training', 'training.nav', 'training') : ''}
  </nav>
  <div class="me">
    <span class="who">${staff.user.name} · ${text.t(`role.${staff.user.role}`)}${staff.user.agency !== '*' ? html` · ${text.agency(staff.user.agency)}` : ''}</span>
    <form method="post" action="/staff/language" class="inline">
      ${csrfField(ctx)}
      <label for="lang-switch">${text.t('nav.language')}</label>
      <select id="lang-switch" name="lang">
        ${text.languages.map((l) => html`<option value="${l.code}" lang="${l.code}"${l.code === text.lang ? html` selected` : ''}>${l.name}</option>`)}
      </select>
      <button type="submit">${text.t('nav.change_language')}</button>
    </form>
    <form method="post" action="/staff/logout" class="inline">
      ${csrfField(ctx)}
      <button type="submit">${text.t('nav.logout')}</button>
    </form>
  </div>`
    : ''}
</header>
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>`;
}

/** A message box: an error (role=alert) or a confirmation (role=status). */
export function notice(kind: 'error' | 'ok', message: string | undefined): SafeHtml {
  if (!message) return html``;
  return kind === 'error' ? html`<p class="notice error" role="alert">${message}</p>` : html`<p class="notice ok" role="status">${message}</p>`;
}

/** A priority badge: colour plus the priority's name in words, never colour alone. */
export function priorityBadge(text: DashboardText, priority: string): SafeHtml {
  return html`<span class="badge prio prio-${priority.toLowerCase()}">${priority} · ${text.t(`priority.${priority}`, { defaultValue: priority })}</span>`;
}
