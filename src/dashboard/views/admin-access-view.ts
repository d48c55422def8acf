/** Parts of the admin page about access and reach: the API tokens, and agencies nobody would alert. */
import { tokenState } from '../../api/tokens.ts';
import type { ApiTokenInfo } from '../../store/store.ts';
import { html, type SafeHtml } from '../html.ts';
import { csrfField, type ViewContext } from './layout.ts';

/** The API tokens: label, scope, created, last used, expiry, state, and a revoke button. */
export function tokensTable(ctx: ViewContext, tokens: readonly ApiTokenInfo[], now: Date): SafeHtml {
  const { text } = ctx;
  if (!tokens.length) return html`<p class="muted">${text.t('staff_access.no_tokens')}</p>`;
  const csrf = csrfField(ctx);
  return html`<table class="tokens"><caption class="visually-hidden">${text.t('admin.tokens')}</caption>
<thead><tr><th scope="col">${text.t('admin.token_label')}</th><th scope="col">${text.t('staff_access.token_scope')}</th><th scope="col">${text.t('staff_access.token_created')}</th><th scope="col">${text.t('staff_access.token_last_used')}</th><th scope="col">${text.t('staff_access.token_expires')}</th><th scope="col">${text.t('admin.state')}</th><th scope="col">${text.t('admin.change')}</th></tr></thead>
<tbody>${tokens.map((t) => {
    const state = tokenState(t, now);
    return html`<tr data-token="${t.id}"><td>${t.label ?? html`<span class="muted">—</span>`} <code class="token-id">${t.id.slice(0, 8)}</code></td>
<td>${t.agency === '*' ? text.t('admin.all_agencies') : text.agency(t.agency)}</td>
<td>${text.date(t.createdAt)}</td>
<td>${t.lastUsedAt ? text.date(t.lastUsedAt) : html`<span class="muted">${text.t('staff_access.never')}</span>`}</td>
<td>${t.expiresAt ? text.date(t.expiresAt) : text.t('staff_access.never')}</td>
<td>${text.t(`staff_access.state_${state}`)}</td>
<td>${state === 'revoked' ? '' : html`<form method="post" action="/staff/admin/tokens/${t.id}/revoke" class="inline">${csrf}<button type="submit">${text.t('staff_access.revoke')}</button></form>`}</td></tr>`;
  })}</tbody></table>`;
}

/** Which agencies would hear of nothing: no alert destination that a running channel can reach. */
export function alertReachCard(ctx: ViewContext, silent: readonly string[], fallback: boolean): SafeHtml {
  const { text } = ctx;
  return html`<section class="card" aria-labelledby="reach-h"><h2 id="reach-h">${text.t('staff_access.reach_title')}</h2>
${silent.length
    ? html`<p role="status" class="notice error">${text.t('staff_access.reach_silent', { count: silent.length })}</p><ul class="silent-agencies">${silent.map((a) => html`<li data-agency="${a}">${text.agency(a)}</li>`)}</ul>`
    : html`<p class="notice ok">${text.t('staff_access.reach_all')}</p>`}
<p>${fallback ? text.t('staff_access.reach_fallback_on') : text.t('staff_access.reach_fallback_off')}</p>
<p class="hint">${text.t('staff_access.reach_hint')}</p>
</section>`;
}
