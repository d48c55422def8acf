import { it } from 'vitest';
import { startServer } from './helpers/server.ts';
import { IN_DANGER } from './helpers/staff.ts';
import { playScript } from './helpers/script.ts';
it('debug', async () => {
  const server = await startServer();
  const p = await playScript(server, 'x', 'hello', { ...IN_DANGER, location: { text: 'Boat Sea Star 9 at Pier 4, Mahachai, ask for Khun Somchai Jaidee' } });
  console.log(p.asked.join(' '), p.taps, p.tapsToTicket);
  console.log(p.replies.slice(-6).map((r) => r.text.slice(0, 80)));
  const t = (await server.services.store.listTickets({}))[0]!; console.log(t.answers, t.referrals.map((r) => r.agency));
  await server.close();
});
