// The queue refreshes itself (issue 10, item 20): every few seconds it fetches this same page, with
// the same filters, and swaps the counts and the table when they changed. The filter form is left
// alone, so a half-made choice is not lost. The request is marked as a background refresh, so that
// an open queue does not keep an idle session alive; once logged out, the page simply stays as it is.
(() => {
  const live = document.getElementById('queue-live');
  if (!live) return;
  const status = document.getElementById('queue-status');
  const seconds = Math.max(2, Number(live.dataset.refresh) || 30);
  const refs = (root) => new Set([...root.querySelectorAll('[data-ref]')].map((el) => el.dataset.ref));
  let busy = false;

  async function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const res = await fetch(location.href, { headers: { 'x-tangrod-refresh': '1' }, credentials: 'same-origin', redirect: 'manual', cache: 'no-store' });
      if (res.status !== 200) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById('queue-live');
      if (!fresh || fresh.innerHTML === live.innerHTML) return;
      const before = refs(live);
      const added = [...refs(fresh)].filter((ref) => !before.has(ref)).length;
      live.replaceChildren(...[...fresh.childNodes].map((n) => document.importNode(n, true)));
      if (added && status) status.textContent = (status.dataset.added || '').replace('{{count}}', String(added));
    } catch {
      // Offline for a moment: the next round tries again.
    } finally {
      busy = false;
    }
  }

  setInterval(refresh, seconds * 1000);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void refresh();
  });
})();
