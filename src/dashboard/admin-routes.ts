/** Staff accounts and API tokens, for admins only. */
import type { FastifyInstance } from 'fastify';
import { ALL_AGENCIES } from '../access/access.ts';
import { actorOf, type Dashboard, formOf, requirePermission, sendPage, viewOf } from './dashboard-context.ts';
import { MIN_PASSWORD_LENGTH } from '../staff/passwords.ts';
import { adminView } from './views/admin-view.ts';
import { assistAdminSection } from '../llm/admin-assist-view.ts';


/** Mounts /staff/admin. */
export function registerAdminRoutes(app: FastifyInstance, d: Dashboard): void {
  const { staff, tokens, alertDestinations, llm, definitions, clock } = d.services;
  const agencies = [...definitions.directory.byId.keys()];

  const show = async (req: Parameters<typeof viewOf>[1], opts: { error?: string; done?: string; newToken?: string } = {}) =>
    adminView(viewOf(d, req), {
      users: await staff.list(),
      agencies,
      tokens: await tokens.list(),
      now: clock(),
      alerts: { silent: await alertDestinations.silent(agencies), fallback: alertDestinations.hasFallback() },
      assist: assistAdminSection(viewOf(d, req), llm, await llm.recentCalls(20)),
      ...opts,
    });

  app.get('/admin', async (req, reply) => {
    requirePermission(req, 'manage_staff');
    return sendPage(reply, await show(req));
  });

  app.post('/admin/users', async (req, reply) => {
    requirePermission(req, 'manage_staff');
    const f = formOf(req);
    const text = viewOf(d, req).text;
    const account = { name: String(f.name ?? '').trim(), role: String(f.role ?? ''), agency: f.agency, lang: d.language(f.lang), password: String(f.password ?? '') };
    const problem = (await staff.problemOf(account)) ?? (f.password !== f.password2 ? 'password_mismatch' : undefined);
    if (problem) return sendPage(reply, await show(req, { error: text.t(`error.${problem}`, { min: MIN_PASSWORD_LENGTH }) }), 400);
    await staff.create(actorOf(req), account);
    return sendPage(reply, await show(req, { done: text.t('admin.user_created') }));
  });

  app.post<{ Params: { id: string } }>('/admin/users/:id', async (req, reply) => {
    requirePermission(req, 'manage_staff');
    await staff.setDisabled(actorOf(req), req.params.id, formOf(req).disabled === '1');
    return reply.redirect('/staff/admin', 303);
  });

  // Links an account to a Telegram user id (alerts' claim button, escalations); empty unlinks.
  app.post<{ Params: { id: string } }>('/admin/users/:id/telegram', async (req, reply) => {
    requirePermission(req, 'manage_staff');
    const text = viewOf(d, req).text;
    const problem = await staff.linkTelegram(actorOf(req), req.params.id, String(formOf(req).telegram_user_id ?? ''));
    if (problem) return sendPage(reply, await show(req, { error: text.t(`admin_telegram.${problem}`) }), problem === 'taken' ? 409 : 400);
    return sendPage(reply, await show(req, { done: text.t('admin_telegram.saved') }));
  });

  app.post('/admin/tokens', async (req, reply) => {
    requirePermission(req, 'create_tokens');
    const f = formOf(req);
    const agency = f.agency === 'all' ? ALL_AGENCIES : String(f.agency ?? '');
    if (agency !== ALL_AGENCIES && !definitions.directory.byId.has(agency)) {
      return sendPage(reply, await show(req, { error: viewOf(d, req).text.t('error.unknown_agency') }), 400);
    }
    const { token } = await tokens.create(actorOf(req), agency, String(f.label ?? '').trim().slice(0, 100) || null);
    // Shown once, on this response only; the page must not be cached (the dashboard sends no-store).
    return sendPage(reply, await show(req, { newToken: token }));
  });

  app.post<{ Params: { id: string } }>('/admin/tokens/:id/revoke', async (req, reply) => {
    requirePermission(req, 'create_tokens');
    await tokens.revoke(actorOf(req), req.params.id);
    return sendPage(reply, await show(req, { done: viewOf(d, req).text.t('staff_access.token_revoked') }));
  });
}
