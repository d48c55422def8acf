/** Staff accounts and API tokens, for admins only. */
import type { FastifyInstance } from 'fastify';
import { agenciesWithoutAlerts, hasEscalationFallback } from '../alerts/alert-reach.ts';
import { createApiToken } from '../api/tokens.ts';
import { RequestError } from '../core/errors.ts';
import { ALL_AGENCIES } from '../access/access.ts';
import { actorOf, type Dashboard, formOf, requirePermission, sendPage, staffOf, viewOf } from './dashboard-context.ts';
import { MIN_PASSWORD_LENGTH } from '../staff/passwords.ts';
import { createStaffAccount, newStaffProblem, TELEGRAM_USER_ID } from '../staff/staff-accounts.ts';
import { adminView } from './views/admin-view.ts';
import { assistAdminSection } from '../llm/admin-assist-view.ts';


/** Mounts /staff/admin. */
export function registerAdminRoutes(app: FastifyInstance, d: Dashboard): void {
  const { store, definitions, config, clock } = d.services;
  const agencies = [...definitions.directory.byId.keys()];

  const show = async (req: Parameters<typeof viewOf>[1], opts: { error?: string; done?: string; newToken?: string } = {}) =>
    adminView(viewOf(d, req), {
      users: await store.listStaff(),
      agencies,
      tokens: await store.listTokens(),
      now: clock(),
      alerts: { silent: agenciesWithoutAlerts(config, await store.listAgencyAlerts(), agencies), fallback: hasEscalationFallback(config) },
      assist: assistAdminSection(viewOf(d, req), d.services.llm, await store.recentLlmCalls(20)),
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
    const problem = (await newStaffProblem(store, definitions.directory, account)) ?? (f.password !== f.password2 ? 'password_mismatch' : undefined);
    if (problem) return sendPage(reply, await show(req, { error: text.t(`error.${problem}`, { min: MIN_PASSWORD_LENGTH }) }), 400);
    const id = await createStaffAccount(store, account);
    await store.transaction((tx) => tx.audit({ ticketRef: null, actor: actorOf(req).audit, action: 'staff.created', detail: { id, role: account.role } }));
    return sendPage(reply, await show(req, { done: text.t('admin.user_created') }));
  });

  app.post<{ Params: { id: string } }>('/admin/users/:id', async (req, reply) => {
    requirePermission(req, 'manage_staff');
    const user = await store.getStaff(req.params.id);
    if (!user) throw new RequestError(404, 'not_found', 'No such account.');
    if (user.id === staffOf(req).user.id) throw new RequestError(400, 'self', 'You cannot disable your own account.');
    const disabled = formOf(req).disabled === '1';
    await store.updateStaff(user.id, { disabled });
    if (disabled) await store.deleteStaffSessionsOf(user.id);
    await store.transaction((tx) => tx.audit({ ticketRef: null, actor: actorOf(req).audit, action: disabled ? 'staff.disabled' : 'staff.enabled', detail: { id: user.id } }));
    return reply.redirect('/staff/admin', 303);
  });

  // Links an account to a Telegram user id (alerts' claim button, escalations); empty unlinks.
  app.post<{ Params: { id: string } }>('/admin/users/:id/telegram', async (req, reply) => {
    requirePermission(req, 'manage_staff');
    const user = await store.getStaff(req.params.id);
    if (!user) throw new RequestError(404, 'not_found', 'No such account.');
    const text = viewOf(d, req).text;
    const value = String(formOf(req).telegram_user_id ?? '').trim();
    if (value && !TELEGRAM_USER_ID.test(value)) return sendPage(reply, await show(req, { error: text.t('admin_telegram.invalid') }), 400);
    const other = value ? await store.findStaffByTelegram(value) : undefined;
    if (other && other.id !== user.id) return sendPage(reply, await show(req, { error: text.t('admin_telegram.taken') }), 409);
    await store.updateStaff(user.id, { telegramUserId: value || null });
    await store.transaction((tx) => tx.audit({ ticketRef: null, actor: actorOf(req).audit, action: value ? 'staff.telegram_linked' : 'staff.telegram_unlinked', detail: { id: user.id } }));
    return sendPage(reply, await show(req, { done: text.t('admin_telegram.saved') }));
  });

  app.post('/admin/tokens', async (req, reply) => {
    requirePermission(req, 'create_tokens');
    const f = formOf(req);
    const agency = f.agency === 'all' ? ALL_AGENCIES : String(f.agency ?? '');
    if (agency !== ALL_AGENCIES && !definitions.directory.byId.has(agency)) {
      return sendPage(reply, await show(req, { error: viewOf(d, req).text.t('error.unknown_agency') }), 400);
    }
    const { id, token } = await createApiToken(store, agency, String(f.label ?? '').trim().slice(0, 100) || null, { days: config.API_TOKEN_DAYS, now: clock() });
    await store.transaction((tx) => tx.audit({ ticketRef: null, actor: actorOf(req).audit, action: 'token.created', detail: { id, agency } }));
    // Shown once, on this response only; the page must not be cached (the dashboard sends no-store).
    return sendPage(reply, await show(req, { newToken: token }));
  });

  app.post<{ Params: { id: string } }>('/admin/tokens/:id/revoke', async (req, reply) => {
    requirePermission(req, 'create_tokens');
    if (!(await store.listTokens()).some((t) => t.id === req.params.id)) throw new RequestError(404, 'not_found', 'No such token.');
    if (await store.revokeToken(req.params.id)) {
      await store.transaction((tx) => tx.audit({ ticketRef: null, actor: actorOf(req).audit, action: 'token.revoked', detail: { id: req.params.id } }));
    }
    return sendPage(reply, await show(req, { done: viewOf(d, req).text.t('staff_access.token_revoked') }));
  });
}
