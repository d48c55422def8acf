/**
 * The flow engine's vocabulary. Nothing here knows a channel, an SDK or a database.
 */
import type { Answers, AnswerValue } from '../rules/answers.ts';
import type { Condition } from '../rules/condition.ts';

export type { Answers, AnswerValue, LocationValue } from '../rules/answers.ts';

/** The kinds of question. `yesno` is a choice among yes, no and unsure. */
export type KeyType = 'yesno' | 'choice' | 'multi' | 'text' | 'number' | 'location' | 'media';

/** A data-dictionary entry. */
export interface KeyDef {
  type: KeyType;
  /** Stored values, which are also the choice ids (choice, multi; yesno has its own). */
  values?: string[];
  /** Locale prefix of value labels: `<labels>.<value>`. */
  labels?: string;
  min?: number;
  max?: number;
  sensitive?: boolean;
  /** False for navigation keys (a menu, a confirmation) that the summary does not read back. */
  summary?: boolean;
  /** A typed answer changes priority, routing or safety: it is read back for a tap (issue 9). */
  confirm?: boolean;
  /** A consent question: a typed answer counts only as a clear yes, and is always read back. */
  consent?: boolean;
  /** The values that stand for yes, no and (optionally) unsure, for a choice asked as a yes/no question. */
  yesno?: [string, string] | [string, string, string];
  /** A typed age answers the key: below `under` it is `below`, otherwise `from`. */
  age?: { under: number; below: string; from: string };
  /**
   * Answers that a value stands for: picking `cannot_leave` in "which of these happened?" records
   * `free_to_leave: no`. Unpicked values record nothing (not "no").
   */
  implies?: Record<string, Record<string, string>>;
  /** The person's own words (a message to staff): read for the indicators they describe. */
  signs?: boolean;
  /** Values of a multi-select that answer at once when tapped ("ask me one by one"): no "Done" tap. */
  alone?: string[];
}

/** The data dictionary, by key. */
export type Dictionary = Record<string, KeyDef>;

/** Dynamic blocks a node can show; the conversation layer fills them in. */
export type Block = 'emergency_numbers' | 'summary' | 'ticket' | 'hotlines' | 'status' | 'languages';

/** One line a node says: a locale key or a dynamic block. */
export type SayItem = { text: string } | { show: Block };

/** What a node does besides talking. */
/**
 * `create_ticket` creates the ticket (or enriches it); `withdraw_ticket` closes a ticket that exists
 * only on the vital-interest basis once the person has said they are not in danger and do not
 * consent (words misread as danger must not leave an open case behind).
 */
export type Action = 'create_ticket' | 'withdraw_ticket';

/** One branch of a node's exit. */
export interface Branch {
  when?: Condition;
  goto: Target;
}

/** A resolved jump target: a node of a flow. */
export interface Target {
  flow: string;
  node: string;
}

/** One step of a flow: what to say, what to wait for, where to go. */
export interface FlowNode {
  id: string;
  /** When given and false, the node is passed by: it says and asks nothing and goes on. */
  onlyIf?: Condition;
  say: SayItem[];
  /** The key the node waits for; absent on nodes that only talk or act. */
  ask?: string;
  /** A required question offers no skip (consent). */
  required: boolean;
  /** Pass the question by when its key already has an answer. */
  skipIfAnswered: boolean;
  /** Answers recorded when the node is passed. */
  set: Record<string, string>;
  do: Action[];
  next: Branch[];
  end: boolean;
  /** Go back to the question a diversion (danger in the person's words) interrupted, instead of `next`. */
  resume: boolean;
}

/** A validated flow. */
export interface Flow {
  id: string;
  start: string;
  file: string;
  nodes: Map<string, FlowNode>;
}

/** All flows and the dictionary they were checked against. */
export interface FlowSet {
  entry: string;
  flows: Map<string, Flow>;
  dictionary: Dictionary;
}

/** The conversation state that the engine reads and returns; stored as JSON. */
export interface SessionState {
  v: 1;
  flow: string;
  node: string;
  lang?: string;
  answers: Answers;
  skipped: string[];
  /** Unusable answers to the current question in a row. */
  misses: number;
  ended: boolean;
  /** A multi-select's choices so far, when it is answered one tap at a time. */
  picking?: string[];
  /** Items tapped in a multi-select that the danger path interrupted: tapped again for the person when its question comes back. */
  heldPicks?: { key: string; ids: string[] };
  /** The ticket this conversation created; set by the conversation layer, ignored by the engine. */
  ticketRef?: string;
  /** The user asked to change language; the next choice picks one. Conversation layer only. */
  choosingLanguage?: boolean;
  /**
   * How Burmese replies are encoded for this person's phone: `zawgyi` once they typed Zawgyi,
   * `unicode` once they asked for it. Conversation layer only; what is stored stays Unicode.
   */
  myanmarFont?: 'zawgyi' | 'unicode';
  /**
   * This report's id, new at every fresh start: a chat may hold several reports, and each ticket
   * shows only its own. Set by the conversation layer; the engine drops it when it starts afresh.
   */
  conversationId?: string;
  /** Where a diversion (the danger path) goes back to, at a node marked `resume`. */
  resume?: Target;
  /** Keys whose stored answer was read from typed words and not tapped since (the summary marks them). */
  typed?: string[];
  /** A typed answer read back: the bot waits for a tap that confirms or corrects it. */
  confirming?: ReadBack;
  /** Read-backs held until the emergency numbers have been shown: they never come before them. */
  confirmLater?: ReadBack[];
  /** The emergency numbers were shown in this conversation. */
  emergencyShown?: boolean;
  /**
   * Answers a story proposed (the assist's `extract`, issue 13), waiting to be read back one at a
   * time. They are not answers: only a tap that confirms or corrects one stores it.
   */
  proposed?: Proposal[];
}

/** An answer a story proposed: a dictionary key and a value the dictionary allows. */
export interface Proposal {
  key: string;
  value: AnswerValue;
}

/** A typed answer waiting for the person to confirm or correct it. */
export interface ReadBack {
  key: string;
  /** What was understood and stored meanwhile (a doubtful consent is stored as "no"). */
  value: AnswerValue;
  /** The words did not clearly say it. */
  doubtful?: boolean;
  required: boolean;
  /**
   * What follows the tap: `next` goes on from the node that asked the key (the state waits there);
   * `reask` asks the question of the node the state waits at (the read-back came before it).
   */
  resume: 'next' | 'reask';
  /** A story's proposal: nothing is stored meanwhile, and only a tap stores it. */
  proposed?: true;
}

/** A user's input as the engine sees it: channel-neutral. */
export type Input =
  | { type: 'start' }
  | { type: 'text'; text: string }
  | { type: 'choice'; ids: string[] }
  | { type: 'location'; lat: number; lon: number; text?: string }
  | { type: 'media'; attachmentId: string };

/** Why an input did not answer the question. */
export type Miss = 'not_an_answer' | 'unknown_choice' | 'not_a_number' | 'one_number' | 'out_of_range' | 'wrong_type' | 'empty' | 'required' | 'too_long';

/** A line of output, before translation. */
export type Out =
  | { kind: 'say'; key: string }
  | { kind: 'show'; block: Block }
  | { kind: 'miss'; reason: Miss }
  | { kind: 'ask'; key: string; required: boolean; offerMessage?: boolean; picked?: string[] }
  | { kind: 'picked'; key: string; ids: string[] }
  /** A typed answer read back with the key's values as buttons, to confirm or correct it. */
  | { kind: 'confirm'; key: string; value: AnswerValue; doubtful?: boolean; required: boolean; proposed?: true }
  /** What a story told, listed before its answers are read back one at a time. */
  | { kind: 'proposals'; items: Proposal[] };

/** Something the conversation layer must do in the same transaction. */
export type Effect = { type: 'create_ticket' } | { type: 'withdraw_ticket' } | { type: 'end' };

/** The result of one step. */
export interface StepResult {
  state: SessionState;
  out: Out[];
  effects: Effect[];
}
