/**
 * Answers by data-dictionary key: what flows collect and what the condition language and the
 * policy read. Its own module so that rules and flows both depend on it and not on each other.
 */

/** A shared location: coordinates, a description, or both. */
export interface LocationValue {
  lat?: number;
  lon?: number;
  text?: string;
}

/** One stored answer: a choice, a multi-select, text, a number, a location or attachment ids. */
export type AnswerValue = string | number | string[] | LocationValue;

/** Answers by data-dictionary key. */
export type Answers = Record<string, AnswerValue | undefined>;
