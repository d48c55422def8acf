/**
 * The admin page's assist section (issue 13 items 6 and 7): which features are on, where their
 * data goes, whether redaction is on, which features are paused after failures, and the audit rows
 * of recent calls (no content is ever stored).
 */
import { html, type SafeHtml } from '../dashboard/html.ts';
import type { ViewContext } from '../dashboard/views/layout.ts';
import type { LlmCallRecord } from '../store/store.ts';
import type { LlmClient } from './llm-client.ts';
import { isLoopback } from './llm-env.ts';

/** The section, from the client's state and the newest audit rows. */
export function assistAdminSection(ctx: ViewContext, llm: LlmClient, calls: (LlmCallRecord & { at: string })[]): SafeHtml {
  const { text } = ctx;
  const s = llm.status();
  const t = (k: string, o?: Record<string, unknown>) => text.t(`assist.${k}`, o);
  if (!s.endpoint) return html`<section class="card" aria-labelledby="llm-h"><h2 id="llm-h">${t('admin_title')}</h2><p>${t('admin_off')}</p></section>`;
  return html`<section class="card" aria-labelledby="llm-h"><h2 id="llm-h">${t('admin_title')}</h2>
<dl>
  <div><dt>${t('admin_endpoint')}</dt><dd><code>${s.endpoint}</code> (${t(isLoopback(s.endpoint) ? 'admin_local' : 'admin_remote')})</dd></div>
  <div><dt>${t('admin_model')}</dt><dd>${s.model ?? '—'}</dd></div>
  <div><dt>${t('admin_transcribe_model')}</dt><dd>${s.transcribeModel ?? '—'}</dd></div>
  <div><dt>${t('admin_redaction')}</dt><dd>${t(s.redact ? 'yes' : 'no')}</dd></div>
  <div><dt>${t('admin_timeout')}</dt><dd>${t('admin_timeout_ms', { ms: s.timeoutMs })}</dd></div>
</dl>
<table><thead><tr><th scope="col">${t('admin_feature')}</th><th scope="col">${t('admin_state')}</th></tr></thead>
<tbody>${s.features.map(
    (f) =>
      html`<tr><td>${t(`feature_${f.feature}`)}</td><td>${f.on ? (f.breaker.pausedUntil ? html`<strong class="paused">${t('admin_paused', { until: text.date(f.breaker.pausedUntil.toISOString()) })}</strong>` : t('admin_on')) : t('admin_feature_off')}</td></tr>`,
  )}</tbody></table>
<h3>${t('admin_calls')}</h3>
${calls.length
    ? html`<table class="llm-calls"><thead><tr><th scope="col">${t('admin_when')}</th><th scope="col">${t('admin_feature')}</th><th scope="col">${t('admin_model')}</th><th scope="col">${t('admin_duration')}</th><th scope="col">${t('admin_tokens')}</th><th scope="col">${t('admin_outcome')}</th></tr></thead>
<tbody>${calls.map((c) => html`<tr><td>${text.date(c.at)}</td><td>${t(`feature_${c.feature}`)}</td><td>${c.model}</td><td>${c.durationMs} ms</td><td>${c.promptTokens ?? '—'} / ${c.completionTokens ?? '—'}</td><td>${t(`outcome_${c.outcome}`)}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">${t('admin_no_calls')}</p>`}
</section>`;
}
