/**
 * The locale checks of `npm run check`: every language has every key of the reference language
 * (and no other), the same `{{placeholders}}`, no empty text, and every key that flows, the
 * dictionary, the directory and the code use exists.
 */
import path from 'node:path';
import type { Problem } from '../core/errors.ts';
import type { Directory } from '../directory/directory.ts';
import { LEAVE_MESSAGE } from '../flow/engine.ts';
import { choiceIds, DONE, labelPrefix, RIGHT, SKIP, WRONG } from '../flow/interpret.ts';
import type { FlowSet, Miss } from '../flow/types.ts';
import type { Policy } from '../policy/policy.ts';
import { BOT_NS, flatten, type NamespaceLanguages, REFERENCE_LANGUAGE, type Resources } from './locales.ts';

const MISSES: Miss[] = ['not_an_answer', 'unknown_choice', 'not_a_number', 'one_number', 'out_of_range', 'wrong_type', 'empty', 'required', 'too_long'];
const STATUSES = ['new', 'triaged', 'in_progress', 'referred', 'closed'];

/** Keys the code itself uses. */
const CODE_KEYS = [
  `choice.${SKIP}`,
  `choice.${LEAVE_MESSAGE}`,
  `choice.${DONE}`,
  'multi.more',
  'channel.more',
  'channel.share_location',
  'channel.camera',
  'channel.photo_library',
  ...['start', 'help', 'lang', 'status', 'exit', 'privacy', 'delete'].map((c) => `commands.${c}`),
  // Privacy (issue 14): /privacy, /delete, the welcome's line, the quick exit's choice.
  ...['welcome', 'text', 'days', 'forever', 'delete_button', 'delete_requested'].map((k) => `privacy.${k}`),
  'miss.offer_message',
  ...MISSES.map((m) => `miss.${m}`),
  'miss.unsupported',
  'miss.file_too_large',
  'miss.file_type',
  'emergency.title',
  'emergency.none',
  'hotlines.title',
  'hotlines.none',
  'summary.title',
  'summary.files',
  'summary.typed',
  'format.list',
  'format.label',
  'confirm.read_back',
  'confirm.doubtful',
  'match.filler',
  'match.ignore',
  'match.separators',
  'ticket.created',
  'ticket.not_created',
  'status.title',
  'status.none',
  'status.line',
  ...STATUSES.map((s) => `status.value.${s}`),
  'exit.erased',
  'exit.closed',
  'help.text',
  'language.prompt',
  'error.restarted',
  'words.exit',
  'words.status',
  'words.lang',
  'words.help',
  'meta.name',
  // Reporter updates and the evidence package (issue 6).
  ...['staff_prefix', 'accepted', 'referred', 'closed', 'added_to_case', 'added_to_case_short'].map((k) => `update.${k}`),
  ...['title', 'received', 'priority', 'case_type', 'answers', 'files'].map((k) => `evidence.${k}`),
  // Language switch and Zawgyi replies (issue 9): the welcome said again, the font switch.
  'entry.welcome',
  'entry.safety',
  'language_switch.change_hint',
  ...['zawgyi_notice', 'now_unicode', 'now_zawgyi', 'to_unicode', 'to_zawgyi', 'words_unicode', 'words_zawgyi'].map((k) => `font.${k}`),
  // A story's proposals read back (issue 13 item 2).
  ...['understood', 'check_each', 'check', 'check_right', RIGHT, WRONG].map((k) => `story.${k}`),
];

/** LINE's limit on a quick-reply label (UTF-16 units). */
export const MAX_BUTTON_LABEL = 20;

/** Keys shown on buttons. */
function buttonLabelKeys(defs: { flows: FlowSet }): string[] {
  const keys = [`choice.${SKIP}`, `choice.${LEAVE_MESSAGE}`, `choice.${DONE}`, `story.${RIGHT}`, `story.${WRONG}`];
  for (const [key, def] of Object.entries(defs.flows.dictionary)) for (const id of choiceIds(def)) keys.push(`${labelPrefix(key, def)}.${id}`);
  return keys;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!).sort();

/** Every locale key the definitions refer to. */
export function referencedKeys(defs: { flows: FlowSet; directory: Directory; policy: Policy }): Map<string, string> {
  const keys = new Map<string, string>(); // key -> who uses it
  for (const k of CODE_KEYS) keys.set(k, 'the code');
  for (const flow of defs.flows.flows.values()) {
    for (const node of flow.nodes.values()) {
      for (const item of node.say) if ('text' in item) keys.set(item.text, `flow ${flow.id}, node ${node.id}`);
    }
  }
  for (const [key, def] of Object.entries(defs.flows.dictionary)) {
    if (key !== 'lang' && def.summary !== false) keys.set(`summary.label.${key}`, `dictionary key ${key}`);
    for (const id of choiceIds(def)) keys.set(`${labelPrefix(key, def)}.${id}`, `dictionary key ${key}`);
  }
  for (const a of defs.directory.agencies) {
    keys.set(`agency.${a.id}`, `agency ${a.id}`);
    for (const p of a.phones) if (p.label) keys.set(p.label, `agency ${a.id}`);
  }
  return keys;
}

/** Checks locales; returns the problems (none when all is well). */
export function checkLocales(dir: string, resources: Resources, defs: { flows: FlowSet; directory: Directory; policy: Policy }, only: NamespaceLanguages = {}): Problem[] {
  const problems: Problem[] = [];
  const fileOf = (lang: string, ns: string) => path.join(dir, lang, `${ns}.json`);
  const reference = resources[REFERENCE_LANGUAGE];
  if (!reference) return [{ file: dir, path: '', message: `the reference language "${REFERENCE_LANGUAGE}" is missing` }];

  const dictionaryLangs = defs.flows.dictionary.lang?.values ?? [];
  for (const lang of Object.keys(resources)) {
    if (!dictionaryLangs.includes(lang)) problems.push({ file: path.join(dir, lang), path: '', message: `"${lang}" is not a value of the dictionary key lang (${dictionaryLangs.join(', ')})` });
  }

  const refNs = Object.keys(reference);
  for (const ns of refNs) {
    const refFlat = flatten(reference[ns]!);
    for (const [lang, namespaces] of Object.entries(resources)) {
      const file = fileOf(lang, ns);
      const tree = namespaces[ns];
      // A namespace offered in some languages only (the staff dashboard) is checked where it exists.
      const offered = only[ns];
      if (offered && !offered.includes(lang)) {
        if (tree) problems.push({ file, path: '', message: `${ns} is offered in ${offered.join(', ')} only (${path.join(dir, 'staff-languages.yaml')}): remove this file or list the language there` });
        continue;
      }
      if (!tree) {
        problems.push({ file, path: '', message: `missing: every language needs ${ns}.json` });
        continue;
      }
      const flat = flatten(tree);
      for (const [key, refValue] of refFlat) {
        const value = flat.get(key);
        if (value === undefined) problems.push({ file, path: key, message: 'missing translation' });
        else if (typeof value !== 'string' || value.trim() === '') problems.push({ file, path: key, message: 'must be a non-empty text' });
        else if (typeof refValue === 'string' && placeholders(value).join(',') !== placeholders(refValue).join(',')) {
          problems.push({ file, path: key, message: `placeholders {{${placeholders(value).join('}}, {{')}}} differ from ${REFERENCE_LANGUAGE}'s {{${placeholders(refValue).join('}}, {{')}}}` });
        }
      }
      for (const key of flat.keys()) if (!refFlat.has(key)) problems.push({ file, path: key, message: `not in ${REFERENCE_LANGUAGE}: a typo, or add it there` });
    }
  }
  for (const [lang, namespaces] of Object.entries(resources)) {
    for (const ns of Object.keys(namespaces)) if (!refNs.includes(ns)) problems.push({ file: fileOf(lang, ns), path: '', message: `namespace not in ${REFERENCE_LANGUAGE}` });
  }

  // Button labels: LINE cuts quick-reply labels at 20 characters.
  // Each language's bot keys flattened once (not once per label: that was most of start-up's checking).
  const botFlat = Object.entries(resources).map(([lang, namespaces]) => [lang, flatten(namespaces[BOT_NS] ?? {})] as const);
  for (const key of buttonLabelKeys(defs)) {
    for (const [lang, flat] of botFlat) {
      const value = flat.get(key);
      if (typeof value === 'string' && value.length > MAX_BUTTON_LABEL) {
        problems.push({ file: fileOf(lang, BOT_NS), path: key, message: `a button label of ${value.length} characters; at most ${MAX_BUTTON_LABEL}` });
      }
    }
  }

  const refBot = flatten(reference[BOT_NS] ?? {});
  for (const [key, user] of referencedKeys(defs)) {
    if (!refBot.has(key)) problems.push({ file: fileOf(REFERENCE_LANGUAGE, BOT_NS), path: key, message: `missing: used by ${user}` });
  }
  return problems;
}
