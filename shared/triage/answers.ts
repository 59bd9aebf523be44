// What counts as an answer to each kind of question, and the one stored form of it. A bad answer
// is refused with a reason the call-taker can act on, never coerced into something else.
import type { QuestionNode } from './protocol.js';

export type AnswerValue = string | number | boolean;

export const ANSWER_ERROR_CODES = {
  EMPTY_ANSWER: 'Type an answer first.',
  NOT_YES_OR_NO: 'Answer yes or no.',
  NOT_AN_OPTION: 'Pick one of the listed answers.',
  NOT_A_NUMBER: 'Type a number.',
  NOT_WHOLE: 'Type a whole number.',
  OUT_OF_RANGE: 'The number is outside the allowed range.',
  TOO_LONG: 'The answer is too long.',
  INVALID_ADDRESS: 'Type a street address or intersection.',
  INVALID_PLATE: 'A plate has 2 to 8 letters and digits.',
  INVALID_TIME: 'Type a time such as 22:30 or 10:30 pm.',
  NOT_ASKING: 'There is no question to answer.',
} as const;
export type AnswerErrorCode = keyof typeof ANSWER_ERROR_CODES;
export type AnswerError = { code: AnswerErrorCode; message: string };

/** The stored value and the words the record and the screen show for it. */
export type NormalizedAnswer = { value: AnswerValue; display: string };

export type AnswerCheck = { ok: true; answer: NormalizedAnswer } | { ok: false; error: AnswerError };

const refuse = (code: AnswerErrorCode, message: string = ANSWER_ERROR_CODES[code]): AnswerCheck => ({ ok: false, error: { code, message } });
const accept = (value: AnswerValue, display: string): AnswerCheck => ({ ok: true, answer: { value, display } });

export function normalizeAnswer(question: QuestionNode, input: AnswerValue): AnswerCheck {
  const typed = typeof input === 'string' ? input.trim().replace(/\s+/g, ' ') : input;
  if (typed === '') return refuse('EMPTY_ANSWER');
  switch (question.kind) {
    case 'yes_no':
      return typeof typed === 'boolean' ? accept(typed, typed ? 'Yes' : 'No') : refuse('NOT_YES_OR_NO');
    case 'choice': {
      const option = question.options.find((candidate) => candidate.value === typed);
      return option ? accept(option.value, option.label) : refuse('NOT_AN_OPTION');
    }
    case 'number':
      return normalizeNumber(question, typed);
    case 'free_text':
      if (typeof typed !== 'string') return refuse('EMPTY_ANSWER');
      return typed.length > question.maxLength ? refuse('TOO_LONG', `Keep it under ${question.maxLength} characters.`) : accept(typed, typed);
    case 'address':
      // A house number and street, an intersection or a landmark: we only refuse what cannot be one.
      if (typeof typed !== 'string' || typed.length < 3 || typed.length > 300 || !/[a-z]/i.test(typed)) return refuse('INVALID_ADDRESS');
      return accept(typed, typed);
    case 'plate': {
      const plate = typeof typed === 'string' ? typed.toUpperCase().replace(/[\s-]+/g, '') : '';
      return /^[A-Z0-9]{2,8}$/.test(plate) ? accept(plate, plate) : refuse('INVALID_PLATE');
    }
    case 'time': {
      const time = typeof typed === 'string' ? parseClockTime(typed) : null;
      return time ? accept(time, time) : refuse('INVALID_TIME');
    }
  }
}

function normalizeNumber(question: Extract<QuestionNode, { kind: 'number' }>, typed: AnswerValue): AnswerCheck {
  const number = typeof typed === 'number' ? typed : typeof typed === 'string' && /^-?\d+(\.\d+)?$/.test(typed) ? Number(typed) : NaN;
  if (!Number.isFinite(number)) return refuse('NOT_A_NUMBER');
  if (question.integer && !Number.isInteger(number)) return refuse('NOT_WHOLE');
  const min = question.min ?? -Infinity;
  const max = question.max ?? Infinity;
  if (number < min || number > max) {
    const range = question.min !== undefined && question.max !== undefined ? `${min} to ${max}` : question.min !== undefined ? `at least ${min}` : `at most ${max}`;
    return refuse('OUT_OF_RANGE', `Type a number ${range}${question.unit ? ` ${question.unit}` : ''}.`);
  }
  return accept(number, question.unit ? `${number} ${question.unit}` : String(number));
}

/** "9:05", "21:05", "9:05 pm", "9 pm" → "HH:MM" (24-hour), or null. */
export function parseClockTime(typed: string): string | null {
  const match = /^(\d{1,2})(?::(\d{2}))?(?:\s*([ap])\.?\s*m?\.?)?$/i.exec(typed.trim());
  if (!match) return null;
  let hours = Number(match[1]);
  const minutes = match[2] === undefined ? 0 : Number(match[2]);
  const half = match[3]?.toLowerCase();
  if (match[2] === undefined && !half) return null;
  if (minutes > 59) return null;
  if (half) {
    if (hours < 1 || hours > 12) return null;
    hours = (hours % 12) + (half === 'p' ? 12 : 0);
  } else if (hours > 23) return null;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}
