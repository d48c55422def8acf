/** The login page. */
import { html, type SafeHtml } from '../html.ts';
import { notice, page, type ViewContext } from './layout.ts';

/** The login form; `csrf` is the pre-login token also set as a cookie. */
export function loginView(ctx: ViewContext, opts: { csrf: string; error?: string; name?: string }): SafeHtml {
  const { text } = ctx;
  return page(
    ctx,
    text.t('login.title'),
    html`<section class="login card">
  <h1>${text.t('login.title')}</h1>
  ${notice('error', opts.error)}
  <form method="post" action="/staff/login">
    <input type="hidden" name="_csrf" value="${opts.csrf}">
    <input type="hidden" name="lang" value="${text.lang}">
    <p><label for="name">${text.t('login.name')}</label>
    <input id="name" name="name" autocomplete="username" required maxlength="100" value="${opts.name ?? ''}"></p>
    <p><label for="password">${text.t('login.password')}</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1000"></p>
    <p><button type="submit" class="primary">${text.t('login.submit')}</button></p>
  </form>
  <p class="languages">${text.languages.filter((l) => l.code !== text.lang).map((l, i) => html`${i ? ' · ' : ''}<a href="/staff/login?lang=${l.code}" lang="${l.code}">${l.name}</a>`)}</p>
</section>`,
  );
}
