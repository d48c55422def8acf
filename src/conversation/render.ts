/**
 * Turns the engine's output (locale keys and blocks) into replies in the user's language, filling in
 * emergency numbers, the summary, the ticket reference and the case status.
 */
import type { Directory } from '../directory/directory.ts';
import { LEAVE_MESSAGE } from '../flow/engine.ts';
import { choiceIds, correctsByValue, DONE, labelPrefix, RIGHT, SKIP, WRONG } from '../flow/interpret.ts';
import type { Answers, AnswerValue, Block, Dictionary, KeyDef, Out } from '../flow/types.ts';
import type { Translate } from '../i18n/locales.ts';
import { THAI_TIME_ZONE } from '../store/stats-weeks.ts';
import type { TicketRecord } from '../store/store.ts';
import type { ExpectType, Reply } from './reply.ts';

/** What the blocks need to know. */
export interface RenderContext {
  t: Translate;
  dictionary: Dictionary;
  directory: Directory;
  answers: Answers;
  role: string | undefined;
  /** The conversation's ticket, once created. */
  ticket?: TicketRecord;
  /** All tickets of this chat, newest first (for the status block). */
  tickets: () => TicketRecord[];
  /** Keys whose answers were read from typed words, not tapped: the summary marks them. */
  typed?: readonly string[];
}

const EXPECTS: Record<KeyDef['type'], ExpectType> = {
  yesno: 'choice',
  choice: 'choice',
  multi: 'multi',
  text: 'text',
  number: 'number',
  location: 'location',
  media: 'media',
};

/** Renders a batch of output lines into replies. */
export function render(out: Out[], ctx: RenderContext): Reply[] {
  const { t } = ctx;
  // A witness or family member is asked about "the person", a victim about "you": i18next context.
  const context = ctx.role && ctx.role !== 'self' ? ctx.role : undefined;
  const replies: Reply[] = [];
  for (const line of out) {
    switch (line.kind) {
      case 'say':
        replies.push({ text: t(line.key, { context }) });
        break;
      case 'miss':
        replies.push({ text: t(`miss.${line.reason}`) });
        break;
      case 'picked': {
        const def = ctx.dictionary[line.key]!;
        replies.push({ text: t('multi.more', { picked: line.ids.map((id) => t(`${labelPrefix(line.key, def)}.${id}`)).join(t('format.list')) }) });
        break;
      }
      case 'show':
        replies.push(...renderBlock(line.block, ctx));
        break;
      case 'confirm': {
        if (line.proposed) {
          replies.push(proposalReply(line.key, line.value, ctx));
          break;
        }
        // What was understood, with the key's values as buttons: the same one confirms, another corrects.
        const def = ctx.dictionary[line.key]!;
        const prefix = labelPrefix(line.key, def);
        const answer = valueText(line.key, def, line.value, t);
        const ids = [...choiceIds(def), ...(line.required ? [] : [SKIP])];
        replies.push({
          text: t(line.doubtful ? 'confirm.doubtful' : 'confirm.read_back', { answer }),
          choices: ids.map((id) => ({ id, label: id === SKIP ? t(`choice.${SKIP}`) : t(`${prefix}.${id}`) })),
          expects: { key: line.key, type: EXPECTS[def.type] },
        });
        break;
      }
      case 'proposals':
        // Our own words and labels only: nothing the model wrote is ever shown.
        replies.push({ text: [t('story.understood'), ...line.items.map((p) => `• ${answerLine(p.key, p.value, ctx)}`), t('story.check_each')].join('\n') });
        break;
      case 'ask': {
        const def = ctx.dictionary[line.key]!;
        const prefix = labelPrefix(line.key, def);
        // Once some of a multi-select are picked, the rest are offered with "done" instead of "skip".
        const picked = line.picked ?? [];
        const ids = [
          ...choiceIds(def).filter((id) => !picked.includes(id)),
          ...(picked.length ? [DONE] : line.required ? [] : [SKIP]),
          ...(line.offerMessage ? [LEAVE_MESSAGE] : []),
        ];
        const choices = ids.map((id) => ({ id, label: [SKIP, DONE, LEAVE_MESSAGE].includes(id) ? t(`choice.${id}`) : t(`${prefix}.${id}`) }));
        const last = replies.at(-1) ?? { text: '' };
        if (!replies.length) replies.push(last);
        last.choices = choices;
        last.expects = { key: line.key, type: EXPECTS[def.type] };
        if (def.type === 'location') last.inputLabels = { share_location: t('channel.share_location') };
        if (def.type === 'media') last.inputLabels = { camera: t('channel.camera'), photo_library: t('channel.photo_library') };
        break;
      }
    }
  }
  return replies;
}

/** "Label: value" in the person's language. */
function answerLine(key: string, value: AnswerValue, ctx: RenderContext): string {
  return `${ctx.t(`summary.label.${key}`)}${ctx.t('format.label')}${valueText(key, ctx.dictionary[key]!, value, ctx.t)}`;
}

/**
 * One of a story's proposals, read back: a choice or yes/no with the key's values as buttons (the
 * same confirms, another corrects), anything else with "right" and "wrong".
 */
function proposalReply(key: string, value: AnswerValue, ctx: RenderContext): Reply {
  const { t } = ctx;
  const def = ctx.dictionary[key]!;
  const answer = answerLine(key, value, ctx);
  if (correctsByValue(def)) {
    const prefix = labelPrefix(key, def);
    const ids = [...choiceIds(def), SKIP];
    return { text: t('story.check', { answer, value: valueText(key, def, value, t) }), choices: ids.map((id) => ({ id, label: id === SKIP ? t(`choice.${SKIP}`) : t(`${prefix}.${id}`) })), expects: { key, type: 'choice' } };
  }
  return { text: t('story.check_right', { answer }), choices: [RIGHT, WRONG].map((id) => ({ id, label: t(`story.${id}`) })), expects: { key, type: 'choice' } };
}

function renderBlock(block: Block, ctx: RenderContext): Reply[] {
  const { t, answers, directory } = ctx;
  const country = str(answers.current_country);
  const nationality = str(answers.nationality);
  const phoneLines = (list: ReturnType<Directory['emergencyFor']>) =>
    list.map(({ agency, phones }) => `• ${t(`agency.${agency.id}`)}${t('format.label')}${phones.map((p) => (p.label ? `${p.number} (${t(p.label)})` : p.number)).join(t('format.list'))}`);

  switch (block) {
    case 'emergency_numbers': {
      // Where the person is not known, every country's general numbers, by country.
      const found = country ? directory.emergencyFor(country, nationality) : [];
      const lines = country
        ? phoneLines(found)
        : directory.emergencyCountries().flatMap((c) =>
            phoneLines(directory.emergencyFor(c).filter((x) => !x.agency.for_nationality)).map((line) => `${line} (${t(`country.${c}`)})`),
          );
      // A country without a checked national number says so first: help only for some
      // nationalities (Thai consular help) is no answer for everyone in danger there.
      const noNational = country !== undefined && !found.some((x) => !x.agency.for_nationality);
      const listed = lines.length ? `${t('emergency.title')}\n${lines.join('\n')}` : '';
      return [{ text: noNational || !lines.length ? [t('emergency.none'), listed].filter(Boolean).join('\n') : listed }];
    }
    case 'hotlines': {
      const lines = phoneLines(directory.hotlinesFor(country, nationality));
      return [{ text: lines.length ? `${t('hotlines.title')}\n${lines.join('\n')}` : t('hotlines.none') }];
    }
    case 'summary':
      return [{ text: `${t('summary.title')}\n${summaryLines(ctx).join('\n')}` }];
    case 'ticket': {
      const ticket = ctx.ticket;
      if (!ticket) return [{ text: t('ticket.not_created') }];
      const agencies = ticket.referrals.filter((r) => r.status !== 'withdrawn').map((r) => t(`agency.${r.agency}`)).join(t('format.list'));
      return [{ text: t('ticket.created', { ref: ticket.ref, agencies }), ticket: { ref: ticket.ref } }];
    }
    case 'status': {
      const tickets = ctx.tickets();
      if (!tickets.length) return [{ text: t('status.none') }];
      // The day in Thai time (the service's days everywhere), as the person's language writes dates: "5 ธ.ค. 2569".
      const day = { dateStyle: 'medium', timeZone: THAI_TIME_ZONE };
      const lines = tickets.slice(0, 5).map((tk) => t('status.line', { ref: tk.ref, status: t(`status.value.${shownStatus(tk)}`), date: new Date(tk.createdAt), formatParams: { date: day } }));
      return [{ text: `${t('status.title')}\n${lines.join('\n')}`, ticket: { ref: tickets[0]!.ref } }];
    }
    case 'languages':
      return [{ text: t('language.prompt') }];
  }
}

/** One line per answered question, in dictionary order, with the value in words. */
export function summaryLines(ctx: Pick<RenderContext, 't' | 'dictionary' | 'answers' | 'typed'>): string[] {
  const { t, dictionary, answers } = ctx;
  const typed = new Set(ctx.typed ?? []);
  return Object.entries(dictionary)
    .filter(([key, def]) => answers[key] !== undefined && key !== 'lang' && def.summary !== false)
    .map(([key, def]) => `• ${t(`summary.label.${key}`)}${t('format.label')}${valueText(key, def, answers[key]!, t)}${typed.has(key) ? ` ${t('summary.typed')}` : ''}`);
}

/** An answer in words: labels for choices, the text itself, coordinates, a count of files. */
export function valueText(key: string, def: KeyDef, value: AnswerValue, t: Translate): string {
  const prefix = labelPrefix(key, def);
  if (def.type === 'media') return t('summary.files', { count: Array.isArray(value) ? value.length : 0 });
  if (Array.isArray(value)) return value.map((v) => t(`${prefix}.${v}`)).join(t('format.list'));
  if (typeof value === 'object') {
    const coords = value.lat !== undefined && value.lon !== undefined ? `${value.lat.toFixed(5)}, ${value.lon.toFixed(5)}` : '';
    return [value.text, coords].filter(Boolean).join(' · ');
  }
  if (def.type === 'choice' || def.type === 'yesno') return t(`${prefix}.${value}`);
  return String(value);
}

/**
 * The stage a reporter is shown. An agency that accepted the case is handling it, whatever the
 * ticket's own working status says: the reporter was told so (issue 6), and /status must agree.
 */
function shownStatus(ticket: TicketRecord): TicketRecord['status'] {
  const early = ticket.status === 'new' || ticket.status === 'triaged';
  return early && ticket.referrals.some((r) => r.status === 'accepted') ? 'in_progress' : ticket.status;
}

function str(v: AnswerValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
