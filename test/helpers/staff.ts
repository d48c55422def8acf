/**
 * Dashboard test helpers: staff accounts, a cookie-keeping HTTP client that fills in CSRF tokens,
 * and tickets created by playing conversations through the simulator.
 */
import { createStaffAccount } from '../../src/staff/staff-accounts.ts';
import { playScript, type ScriptAnswer } from './script.ts';
import type { TestServer } from './server.ts';

export const PASSWORD = 'correct horse battery staple';

/** Creates a staff account directly in the store; returns its id. */
export function addStaff(server: TestServer, name: string, role: 'admin' | 'supervisor' | 'agent', agency?: string, lang: string = 'en'): Promise<string> {
  return createStaffAccount(server.services.store, { name, role, agency, lang, password: PASSWORD });
}

/** A response, read. */
export interface Page {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** A browser-like client: keeps cookies, does not follow redirects, posts forms with the page's CSRF token. */
export class StaffClient {
  private readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had one. */
  csrf = '';
  /** Headers sent with every request (e.g. X-Forwarded-For, as a proxy would add it). */
  headers: Record<string, string> = {};

  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Page> {
    const headers: Record<string, string> = { ...this.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(this.base + path, { method, headers, redirect: 'manual', ...(form ? { body: new URLSearchParams(form).toString() } : {}) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  get(path: string): Promise<Page> {
    return this.request('GET', path);
  }

  /** Posts a form with the current CSRF token (unless the form sets `_csrf` itself). */
  post(path: string, form: Record<string, string> = {}): Promise<Page> {
    return this.request('POST', path, { _csrf: this.csrf, ...form });
  }

  /** Posts a form with the current CSRF token and returns the raw bytes (a download). */
  async postBytes(path: string, form: Record<string, string> = {}): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.base + path, { method: 'POST', headers, redirect: 'manual', body: new URLSearchParams({ _csrf: this.csrf, ...form }).toString() });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  /** Logs in through the form; returns the POST's response. */
  async login(name: string, password = PASSWORD): Promise<Page> {
    await this.get('/staff/login');
    return this.post('/staff/login', { name, password, lang: 'en' });
  }

  /** Drops every cookie (a different browser). */
  forget(): void {
    this.cookies.clear();
  }
}

/** A Myanmar fisherman in Thailand: labour trafficking, P2, referred to police, 1300 and the Myanmar embassy. */
export const FISHING_BOAT: Record<string, ScriptAnswer> = {
  in_danger_now: { choice: 'no' },
  menu: { choice: 'help_me' },
  current_country: { choice: 'TH' },
  location: { location: { lat: 13.5475, lon: 100.2744 } },
  nationality: { choice: 'MM' },
  age_group: { choice: 'adult' },
  deceived_about_job: { choice: 'yes' },
  documents_taken: { choice: 'yes' },
  free_to_leave: { choice: 'no' },
  threats_or_violence: { choice: 'yes' },
  wages_withheld: { choice: 'yes' },
  needs: { choice: 'shelter,go_home' },
  consent_share: { choice: 'yes' },
  consent_cross_border: { choice: 'yes' },
  contact_ok: { choice: 'yes' },
  confirm_send: { choice: 'send' },
};

/** A worker in danger now in Thailand: P1. */
export const IN_DANGER: Record<string, ScriptAnswer> = { ...FISHING_BOAT, in_danger_now: { choice: 'yes' } };

/** Wages withheld only: labour exploitation, routed to the Department of Employment alone. */
export const UNPAID: Record<string, ScriptAnswer> = {
  in_danger_now: { choice: 'no' },
  menu: { choice: 'help_me' },
  current_country: { choice: 'TH' },
  nationality: { choice: 'KH' },
  age_group: { choice: 'adult' },
  deceived_about_job: { choice: 'no' },
  documents_taken: { choice: 'no' },
  free_to_leave: { choice: 'yes' },
  threats_or_violence: { choice: 'no' },
  debt_bondage: { choice: 'no' },
  wages_withheld: { choice: 'yes' },
  isolation: { choice: 'no' },
  forced_criminality: { choice: 'no' },
  sexual_exploitation: { choice: 'no' },
  consent_share: { choice: 'yes' },
  consent_cross_border: { choice: 'no' },
  contact_ok: { choice: 'no' },
  confirm_send: { choice: 'send' },
};

/** A 1x1 PNG. */
export const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** Plays a conversation and returns the ticket reference it produced. */
export async function ticketFrom(server: TestServer, user: string, answers: Record<string, ScriptAnswer | { image: { name: string; mime: string; base64: string } }>): Promise<string> {
  const { replies } = await playScript(server, user, 'hello', answers as Record<string, ScriptAnswer>);
  const ref = replies.find((r) => r.ticket)?.ticket?.ref;
  if (!ref) throw new Error(`no ticket for ${user}: ${replies.map((r) => r.text).join(' | ').slice(0, 500)}`);
  return ref;
}
