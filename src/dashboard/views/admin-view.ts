/** The admin page: staff accounts and API tokens. */
import type { ApiTokenInfo, StaffUser } from '../../store/store.ts';
import { html, type SafeHtml } from '../html.ts';
import { alertReachCard, tokensTable } from './admin-access-view.ts';
import { csrfField, notice, page, type ViewContext } from './layout.ts';

/** The admin page; `newToken` is shown once, right after it was created. */
export function adminView(
  ctx: ViewContext,
  d: { users: StaffUser[]; agencies: string[]; tokens: ApiTokenInfo[]; now: Date; alerts: { silent: string[]; fallback: boolean }; error?: string; done?: string; newToken?: string; assist?: SafeHtml },
): SafeHtml {
  const { text } = ctx;
  const csrf = csrfField(ctx);
  const agencyOptions = (selected?: string) => d.agencies.map((a) => html`<option value="${a}"${a === selected ? html` selected` : ''}>${text.agency(a)}</option>`);
  return page(
    ctx,
    text.t('admin.title'),
    html`<h1>${text.t('admin.title')}</h1>
${notice('error', d.error)}
${notice('ok', d.done)}
${d.newToken ? html`<div class="card token" role="status"><p>${text.t('admin.token_once')}</p><p><code class="token-value">${d.newToken}</code></p></div>` : ''}
<section class="card" aria-labelledby="users-h"><h2 id="users-h">${text.t('admin.users')}</h2>
<table><thead><tr><th scope="col">${text.t('admin.name')}</th><th scope="col">${text.t('admin.role')}</th><th scope="col">${text.t('field.agency')}</th><th scope="col">${text.t('admin.state')}</th><th scope="col">${text.t('admin.change')}</th><th scope="col">${text.t('admin_telegram.title')}</th></tr></thead>
<tbody>${d.users.map((u) => html`<tr><td>${u.name}</td><td>${text.t(`role.${u.role}`)}</td><td>${u.agency === '*' ? text.t('admin.all_agencies') : text.agency(u.agency)}</td><td>${u.disabled ? text.t('admin.disabled') : text.t('admin.active')}</td>
<td><form method="post" action="/staff/admin/users/${u.id}" class="inline">${csrf}
<input type="hidden" name="disabled" value="${u.disabled ? '0' : '1'}">
<button type="submit">${u.disabled ? text.t('admin.enable') : text.t('admin.disable')}</button></form></td>
<td><form method="post" action="/staff/admin/users/${u.id}/telegram" class="inline">${csrf}
<label for="tg-${u.id}" class="visually-hidden">${text.t('admin_telegram.title')} · ${u.name}</label>
<input id="tg-${u.id}" name="telegram_user_id" value="${u.telegramUserId ?? ''}" inputmode="numeric" maxlength="20" autocomplete="off" size="12">
<button type="submit">${text.t('admin_telegram.save')}</button></form></td></tr>`)}</tbody></table>
<p class="hint">${text.t('admin_telegram.hint')}</p>
</section>
<section class="card" aria-labelledby="new-h"><h2 id="new-h">${text.t('admin.new_user')}</h2>
<form method="post" action="/staff/admin/users">${csrf}
<p class="field"><label for="u-name">${text.t('admin.name')}</label><input id="u-name" name="name" required maxlength="100" autocomplete="off"></p>
<p class="field"><label for="u-role">${text.t('admin.role')}</label><select id="u-role" name="role"><option value="agent">${text.t('role.agent')}</option><option value="supervisor">${text.t('role.supervisor')}</option><option value="admin">${text.t('role.admin')}</option></select></p>
<p class="field"><label for="u-agency">${text.t('field.agency')}</label><select id="u-agency" name="agency">${agencyOptions()}</select></p>
<p class="hint">${text.t('admin.agency_hint')}</p>
<p class="field"><label for="u-lang">${text.t('nav.language')}</label><select id="u-lang" name="lang">${text.languages.map((l) => html`<option value="${l.code}" lang="${l.code}">${l.name}</option>`)}</select></p>
<p class="field"><label for="u-pass">${text.t('admin.password')}</label><input id="u-pass" name="password" type="password" required minlength="10" autocomplete="new-password"></p>
<p class="field"><label for="u-pass2">${text.t('admin.password_again')}</label><input id="u-pass2" name="password2" type="password" required minlength="10" autocomplete="new-password"></p>
<button type="submit" class="primary">${text.t('admin.create_user')}</button></form>
</section>
<section class="card" aria-labelledby="tok-h"><h2 id="tok-h">${text.t('admin.tokens')}</h2>
${tokensTable(ctx, d.tokens, d.now)}
<form method="post" action="/staff/admin/tokens">${csrf}
<p class="field"><label for="t-agency">${text.t('field.agency')}</label><select id="t-agency" name="agency"><option value="all">${text.t('admin.all_agencies')}</option>${agencyOptions()}</select></p>
<p class="field"><label for="t-label">${text.t('admin.token_label')}</label><input id="t-label" name="label" maxlength="100" autocomplete="off"></p>
<button type="submit">${text.t('admin.create_token')}</button></form>
</section>
${alertReachCard(ctx, d.alerts.silent, d.alerts.fallback)}
${d.assist ?? ''}`,
    'admin',
  );
}
