/**
 * What the dashboard's routes share: the services, the access rules, the actions, authentication,
 * and the staff member of the current request.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';
import { RequestError } from '../core/errors.ts';
import type { Actor, TicketActions } from '../tickets/ticket-actions.ts';
import { type AccessService, can, type Permission } from '../access/access.ts';
import { DashboardText } from '../staff/staff-text.ts';
import type { SafeHtml } from './html.ts';
import { StaffAuth, type StaffContext } from './staff-auth.ts';
import { type Targets, targetsFrom } from '../tickets/targets.ts';
import type { ViewContext } from './views/layout.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A dashboard route that needs no session (the login page, the stylesheet). */
    public?: boolean;
  }
}

/** The dashboard's shared parts, built once. */
export interface Dashboard {
  services: Services;
  access: AccessService;
  actions: TicketActions;
  auth: StaffAuth;
  targets: Targets;
  /** The words of a staff language (anything not listed gives the default language's). */
  text(lang: string | undefined): DashboardText;
  /** A staff language from a stored preference, a form or a query. */
  language(value: string | undefined): string;
}

/** Builds the dashboard's parts over the shared services. */
export function createDashboard(services: Services): Dashboard {
  const { store, definitions, clock, config } = services;
  const texts = new Map<string, DashboardText>();
  const languages = definitions.staffLanguages;
  return {
    services,
    access: services.access,
    actions: services.actions,
    // Secure cookies whenever it is production: the TLS proxy may talk plain HTTP to us.
    auth: new StaffAuth(store, clock, config.NODE_ENV === 'production' || (config.PUBLIC_BASE_URL?.startsWith('https:') ?? false)),
    targets: targetsFrom(config),
    text(value) {
      const lang = languages.pick(value);
      let t = texts.get(lang);
      if (!t) texts.set(lang, (t = new DashboardText(definitions.translations, lang, definitions.flows.dictionary, languages, { training: config.TRAINING })));
      return t;
    },
    language: (value) => languages.pick(value),
  };
}

const staffByRequest = new WeakMap<FastifyRequest, StaffContext>();

/** Remembers the authenticated staff member of a request. */
export function setStaff(req: FastifyRequest, ctx: StaffContext): void {
  staffByRequest.set(req, ctx);
}

/** The staff member of an authenticated route (the auth hook guarantees one). */
export function staffOf(req: FastifyRequest): StaffContext {
  const ctx = staffByRequest.get(req);
  if (!ctx) throw new RequestError(401, 'unauthorized', 'Log in first.');
  return ctx;
}

/** The view context of a request: the staff member and their language. */
export function viewOf(d: Dashboard, req: FastifyRequest): ViewContext {
  const staff = staffOf(req);
  return { text: d.text(staff.user.lang), staff };
}

/** The audit actor of a request. */
export function actorOf(req: FastifyRequest): Actor {
  const { user } = staffOf(req);
  return { id: user.id, audit: `staff:${user.id}` };
}

/** Refuses (403) when the staff member's role lacks a permission. */
export function requirePermission(req: FastifyRequest, permission: Permission): void {
  if (!can(staffOf(req).user.role, permission)) throw new RequestError(403, 'forbidden', 'Your role cannot do this.');
}

/** Sends an HTML page. */
export function sendPage(reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(page.value);
}

/** A form body as a string map (fields the form did not send are absent). */
export function formOf(req: FastifyRequest): Record<string, string> {
  const body = req.body;
  return body && typeof body === 'object' ? (body as Record<string, string>) : {};
}
