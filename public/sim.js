// Tangrod simulator page: a phone-style chat with the bot over /api/sim/messages.
// Plain browser JavaScript, no build step; all bot and user text goes in with textContent only.

(() => {
  const USER_KEY = 'tangrod-sim-user';
  const API = '/api/sim/messages';
  const POLL_MS = 3000;
  const HINTS = { number: 'Type a number', location: 'Tap 📍 or type a place', media: 'Tap 📎 to attach a file' };
  const $ = (id) => document.getElementById(id);
  const log = $('messages');
  const input = $('input');
  const fileInput = $('file');
  let user = '';
  let queue = Promise.resolve(); // posts go one at a time, in order
  let polling = false;
  let pollFailed = false;

  function newId() {
    const rand = window.crypto && crypto.randomUUID ? crypto.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10);
    return `sim-${rand}`;
  }

  function setUser(id) {
    user = id;
    try { localStorage.setItem(USER_KEY, id); } catch { /* storage blocked: keep the id for this page only */ }
    $('user-id').textContent = id;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function append(node) {
    const hint = log.querySelector('.hint');
    if (hint) hint.remove();
    log.append(node);
    log.scrollTop = log.scrollHeight;
    return node;
  }

  const system = (text, kind) => append(el('p', kind ? `system ${kind}` : 'system', text));
  const showHint = () => log.append(el('p', 'system hint', 'Type hello (or สวัสดี) to begin.'));

  function botBubble(reply) {
    const bubble = el('div', 'bubble bot');
    bubble.append(el('div', 'text', reply.text || ''));
    if (reply.ticket?.ref) {
      const box = el('p', 'ticket', 'Reference: ');
      box.dataset.testid = 'ticket';
      box.append(el('strong', '', reply.ticket.ref));
      bubble.append(box);
    }
    if (reply.choices?.length) bubble.append(choiceGroup(reply));
    return append(bubble);
  }

  /** Buttons for a reply's choices; a multi-select gets toggles plus a Send button. */
  function choiceGroup(reply) {
    const multi = reply.expects && reply.expects.type === 'multi';
    const group = el('div', multi ? 'choices multi' : 'choices');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', multi ? 'Choose one or more, then Send' : 'Choose one');
    let done = null;
    for (const c of reply.choices) {
      const btn = el('button', 'choice', c.label);
      btn.type = 'button';
      btn.dataset.choice = c.id;
      if (multi && c.id !== 'skip') {
        btn.setAttribute('aria-pressed', 'false');
        btn.addEventListener('click', () => {
          btn.setAttribute('aria-pressed', String(btn.getAttribute('aria-pressed') !== 'true'));
          done.disabled = !group.querySelector('[aria-pressed="true"]');
        });
      } else {
        btn.addEventListener('click', () => answer(group, [btn]));
      }
      group.append(btn);
    }
    if (multi) {
      done = el('button', 'choice send-choices', 'Send');
      done.type = 'button';
      done.disabled = true;
      done.dataset.testid = 'send-choices';
      done.setAttribute('aria-label', 'Send selected choices');
      done.addEventListener('click', () => answer(group, [...group.querySelectorAll('[aria-pressed="true"]')]));
      group.append(done);
    }
    return group;
  }

  function answer(group, buttons) {
    if (!buttons.length) return;
    setChoicesDisabled(group, true);
    const ids = buttons.map((b) => b.dataset.choice).join(',');
    send({ choice: ids }, buttons.map((b) => b.textContent).join(', '), () => setChoicesDisabled(group, false));
  }

  function setChoicesDisabled(group, off) {
    group.classList.toggle('answered', off);
    for (const b of group.querySelectorAll('button')) b.disabled = off;
    const done = group.querySelector('.send-choices');
    if (done && !off) done.disabled = !group.querySelector('[aria-pressed="true"]');
  }

  /** Shows the bot's replies; `fromPost` marks an answer to what the user just sent. */
  function render(replies, fromPost) {
    if (fromPost) {
      // Old choices are answered now; keep the focus somewhere useful if it was on one of them.
      for (const g of log.querySelectorAll('.choices:not(.answered)')) setChoicesDisabled(g, true);
      const expects = replies.map((r) => r.expects).filter(Boolean).pop();
      input.placeholder = (expects && HINTS[expects.type]) || 'Type a message';
    }
    for (const r of replies) botBubble(r);
    const active = document.activeElement;
    if (fromPost && (!active || active === document.body || active.disabled)) {
      const groups = log.querySelectorAll('.choices:not(.answered)');
      const first = groups.length ? groups[groups.length - 1].querySelector('button:not(:disabled)') : null;
      (first || input).focus();
    }
  }

  /** Calls the API; throws an Error with a readable message on HTTP or network failure. */
  async function api(forUser, body) {
    let res;
    try {
      res = body
        ? await fetch(API, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: forUser, ...body }) })
        : await fetch(`${API}?user=${encodeURIComponent(forUser)}`, { headers: { accept: 'application/json' } });
    } catch {
      throw new Error('Network error: the server could not be reached.');
    }
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new Error(`${(data?.message) || res.statusText || 'Request failed'} (HTTP ${res.status})`);
    return data && Array.isArray(data.replies) ? data : { replies: [] };
  }

  /** Shows the user's bubble, then posts `body`; on failure marks the bubble and calls `onFail`. */
  function send(body, shown, onFail) {
    const bubble = append(el('div', 'bubble user', shown));
    const forUser = user;
    queue = queue.then(async () => {
      if (forUser !== user) return; // a new user was started meanwhile
      try {
        const data = await api(forUser, body);
        if (forUser !== user) return;
        // Quick exit: like a real chat app after "delete chat", only the bot's last word stays.
        if (body.text === '/exit') log.replaceChildren();
        render(data.replies, true);
      } catch (err) {
        if (forUser !== user) return;
        bubble.classList.add('failed');
        system(`Not sent: ${err.message}`, 'error');
        if (onFail) onFail();
      }
    });
    return bubble;
  }

  async function poll() {
    if (polling) return;
    polling = true;
    const forUser = user;
    try {
      const data = await api(forUser);
      if (pollFailed) system('Connection restored.');
      pollFailed = false;
      if (forUser === user && data.replies.length) render(data.replies, false);
    } catch (err) {
      if (!pollFailed) system(`Could not check for new messages: ${err.message}`, 'error');
      pollFailed = true;
    } finally {
      polling = false;
    }
  }

  function sendLocation(lat, lon) {
    send({ location: { lat, lon } }, `📍 ${lat.toFixed(5)}, ${lon.toFixed(5)}`);
  }

  function askLocation() {
    const manual = () => {
      const raw = window.prompt('Location as "lat,lon", e.g. 13.7563,100.5018');
      if (raw === null) return;
      const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(raw);
      const lat = m ? Number(m[1]) : NaN;
      const lon = m ? Number(m[2]) : NaN;
      if (!m || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        system('That is not a location. Write it as lat,lon, e.g. 13.7563,100.5018.', 'error');
        return;
      }
      sendLocation(lat, lon);
    };
    if (!navigator.geolocation) return manual();
    navigator.geolocation.getCurrentPosition((p) => sendLocation(p.coords.latitude, p.coords.longitude), manual, { timeout: 10000 });
  }

  function sendFile() {
    const file = fileInput.files?.[0];
    fileInput.value = ''; // so the same file can be picked again
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      const mime = file.type || 'application/octet-stream';
      const bubble = send({ image: { name: file.name, mime, base64: url.slice(url.indexOf(',') + 1) } }, `📎 ${file.name}`);
      if (mime.startsWith('image/')) {
        const img = el('img', 'thumb');
        img.alt = '';
        img.src = url;
        bubble.append(img);
      }
    };
    reader.onerror = () => system(`Could not read ${file.name}.`, 'error');
    reader.readAsDataURL(file);
  }

  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    send({ text: text.trim() }, text.trim(), () => {
      input.value = input.value ? `${text} ${input.value}` : text; // never lose what was typed
      input.focus();
    });
  });
  $('exit').addEventListener('click', () => send({ text: '/exit' }, '/exit'));
  $('location').addEventListener('click', askLocation);
  $('attach').addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', sendFile);
  $('new-user').addEventListener('click', () => {
    setUser(newId());
    log.replaceChildren();
    showHint();
    input.placeholder = 'Type a message';
    input.focus();
  });

  let saved = null;
  try { saved = localStorage.getItem(USER_KEY); } catch { /* storage blocked */ }
  setUser(saved || newId());
  showHint();
  poll();
  setInterval(poll, POLL_MS);
})();
