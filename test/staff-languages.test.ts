/**
 * The staff languages are data (locales/staff-languages.yaml): the check says which dashboard key a
 * listed language lacks, refuses a dashboard file for a language not listed and a listed language
 * without a folder; the pages, alerts and the CLI offer what the file lists.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DefinitionError } from '../src/core/errors.ts';
import { loadDefinitions } from '../src/definitions.ts';
import { alertText } from '../src/alerts/alert-message.ts';
import { staffLanguagesOf } from '../src/staff/staff-languages.ts';
import { DashboardText } from '../src/staff/staff-text.ts';
import type { TicketRecord } from '../src/store/store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the locales folder, changed by `change`; returns the problems the check finds. */
function problemsWith(change: (dir: string) => void): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'tangrod-locales-'));
  dirs.push(dir);
  cpSync('locales', dir, { recursive: true });
  change(dir);
  try {
    loadDefinitions('flows', dir);
    return [];
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    return err.problems.map((p) => `${path.relative(dir, p.file)}: ${p.path}: ${p.message}`);
  }
}

const editJson = (file: string, edit: (tree: Record<string, any>) => void) => {
  const tree = JSON.parse(readFileSync(file, 'utf8'));
  edit(tree);
  writeFileSync(file, JSON.stringify(tree));
};

describe('the staff languages', () => {
  it('are Thai, English and Khmer as shipped, Thai first', () => {
    expect(staffLanguagesOf('locales').codes).toEqual(['th', 'en', 'km']);
    expect(problemsWith(() => {})).toEqual([]);
  });

  it.each([
    ['a Khmer key missing', (d: string) => editJson(path.join(d, 'km/dashboard.json'), (t) => delete t.ticket.glance), ['km/dashboard.json: ticket.glance: missing translation']],
    ['a placeholder lost in Khmer', (d: string) => editJson(path.join(d, 'km/dashboard.json'), (t) => (t.ticket.title = 'ករណី')), ['km/dashboard.json: ticket.title: placeholders {{}} differ from en\'s {{ref}}']],
    ['Khmer not listed but its file kept', (d: string) => writeFileSync(path.join(d, 'staff-languages.yaml'), 'languages:\n  - { code: th, name: ไทย, dates: th-TH }\n  - { code: en, name: English, dates: en-GB }\n'), [expect.stringMatching(/^km\/dashboard\.json: : dashboard is offered in th, en only/)]],
    ['Lao listed without a dashboard file', (d: string) => writeFileSync(path.join(d, 'staff-languages.yaml'), `${readFileSync('locales/staff-languages.yaml', 'utf8')}  - { code: lo, name: ລາວ, dates: lo-LA }\n`), ['lo/dashboard.json: : missing: every language needs dashboard.json']],
    ['a language with no folder', (d: string) => writeFileSync(path.join(d, 'staff-languages.yaml'), `${readFileSync('locales/staff-languages.yaml', 'utf8')}  - { code: fr, name: Français, dates: fr-FR }\n`), ['staff-languages.yaml: languages[3].code: "fr" has no folder in <dir>']],
    ['no list at all', (d: string) => unlinkSync(path.join(d, 'staff-languages.yaml')), [expect.stringMatching(/^staff-languages\.yaml: : missing/)]],
  ])('the check names %s by file and path', (_what, change, expected) => {
    const problems = problemsWith(change).map((p) => p.replace(/in \/\S+$/, 'in <dir>'));
    expect(problems).toEqual(expected);
  });

  it('write an agency alert in Khmer for an agency that asked for it, in the same words as the pages', () => {
    const defs = loadDefinitions('flows', 'locales');
    const text = new DashboardText(defs.translations, 'km', defs.flows.dictionary, defs.staffLanguages);
    const ticket = { ref: 'TR-7KXM-49QA', priority: 'P2', caseType: 'labour_trafficking', language: 'km', answers: { current_country: 'TH' } } as unknown as TicketRecord;
    const lines = alertText(text, 'referral.created', ticket, 'kh-ncct', 'https://hotline.example.org/staff/tickets/TR-7KXM-49QA').split('\n');
    expect(lines).toEqual([
      '🔔 ការបញ្ជូនថ្មី TR-7KXM-49QA សម្រាប់ គណៈកម្មាធិការជាតិប្រយុទ្ធប្រឆាំងការជួញដូរមនុស្ស (កម្ពុជា)',
      'អាទិភាព៖ P2 · ខ្ពស់',
      'ប្រភេទករណី៖ ការជួញដូរមនុស្សដើម្បីកម្លាំងពលកម្ម',
      `ប្រទេស៖ ${text.answer('current_country', 'TH')}`,
      `ភាសា៖ ${text.answer('lang', 'km')}`,
      'បើកករណី៖ https://hotline.example.org/staff/tickets/TR-7KXM-49QA',
    ]);
    expect(lines[3]).not.toMatch(/[A-Za-z]{3}/);
    // An agency that asked for a language no longer listed gets the default (Thai).
    expect(new DashboardText(defs.translations, 'fr', defs.flows.dictionary, defs.staffLanguages).lang).toBe('th');
  });
});
