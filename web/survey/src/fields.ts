import type { Catalogue } from '../../../src/survey/messages.js';
import type { AnswerValue, Item } from '../../../src/survey/questionnaire.js';
import { h } from './dom.js';

/** Value of the "prefer not to say" choice: it means unanswered (null). */
export const PREFER_NOT = '__prefer-not-to-say';

export interface FieldContext {
  messages: Catalogue;
  value: AnswerValue | undefined;
  error?: string;
  /** Raw text typed in a number field that did not parse, kept so the person can fix it. */
  rawText?: string;
  onChange(value: AnswerValue | undefined, rawText?: string): void;
}

/** The id of the element that takes focus for an item (error summary links point here). */
export function focusTargetId(item: Item): string {
  return item.kind === 'number' || (item.kind === 'choice' && item.display === 'select')
    ? `q-${item.id}`
    : `q-${item.id}-0`;
}

function choiceLabel(messages: Catalogue, item: Item, value: string): string {
  return messages.items[item.id]?.choices?.[value] ?? value;
}

function scaleLabel(messages: Catalogue, item: Item & { kind: 'scale' }, value: number): string {
  if (item.labels === 'frequency') return messages.frequency[value];
  const text = messages.items[item.id];
  if (value === item.min && text?.low) return `${value} — ${text.low}`;
  if (value === item.max && text?.high) return `${value} — ${text.high}`;
  return String(value);
}

function describedBy(item: Item, context: FieldContext): string | undefined {
  const ids = [
    context.messages.items[item.id]?.help ? `q-${item.id}-help` : '',
    context.error ? `q-${item.id}-error` : '',
  ].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function extras(item: Item, context: FieldContext): HTMLElement[] {
  const help = context.messages.items[item.id]?.help;
  return [
    help ? h('p', { id: `q-${item.id}-help`, class: 'help-text' }, help) : undefined,
    context.error ? h('p', { id: `q-${item.id}-error`, class: 'error' }, context.error) : undefined,
  ].filter((element): element is HTMLParagraphElement => Boolean(element));
}

function labelText(item: Item, messages: Catalogue): (string | HTMLElement)[] {
  const text = messages.items[item.id]?.label ?? item.id;
  return item.optional
    ? [text, ' ', h('span', { class: 'optional' }, messages.ui.optional)]
    : [text];
}

function radioGroup(
  item: Item,
  options: { value: string; label: string }[],
  context: FieldContext,
  current: string | undefined,
  toAnswer: (value: string) => AnswerValue,
): HTMLElement {
  const radios = options.map((option, index) => {
    const input = h('input', {
      type: 'radio',
      id: `q-${item.id}-${index}`,
      name: item.id,
      value: option.value,
      checked: current === option.value,
      'aria-invalid': context.error ? 'true' : undefined,
    });
    input.addEventListener('change', () =>
      context.onChange(option.value === PREFER_NOT ? null : toAnswer(option.value)),
    );
    return h('div', { class: 'option' }, input, h('label', { for: input.id }, option.label));
  });
  return h(
    'fieldset',
    {
      class: `question${context.error ? ' has-error' : ''}`,
      'aria-describedby': describedBy(item, context),
    },
    h('legend', {}, ...labelText(item, context.messages)),
    ...extras(item, context),
    h('div', { class: item.kind === 'scale' ? 'options scale' : 'options' }, ...radios),
  );
}

/** One question as accessible form controls: fieldset/legend for choices, label/input for numbers. */
export function renderItem(item: Item, context: FieldContext): HTMLElement {
  const { messages, value } = context;
  const prefer = item.optional ? [{ value: PREFER_NOT, label: messages.ui.preferNotToSay }] : [];
  const current = value === null ? PREFER_NOT : value === undefined ? undefined : String(value);
  switch (item.kind) {
    case 'choice': {
      const options = item.values.map((choice) => ({
        value: choice,
        label: choiceLabel(messages, item, choice),
      }));
      if (item.display === 'radio')
        return radioGroup(item, [...options, ...prefer], context, current, (choice) => choice);
      const select = h(
        'select',
        {
          id: `q-${item.id}`,
          name: item.id,
          'aria-describedby': describedBy(item, context),
          'aria-invalid': context.error ? 'true' : undefined,
        },
        h('option', { value: '' }, messages.ui.choose),
        ...[...options, ...prefer].map((option) =>
          h('option', { value: option.value, selected: current === option.value }, option.label),
        ),
      );
      select.addEventListener('change', () =>
        context.onChange(
          select.value === '' ? undefined : select.value === PREFER_NOT ? null : select.value,
        ),
      );
      return h(
        'div',
        { class: `question${context.error ? ' has-error' : ''}` },
        h('label', { for: select.id }, ...labelText(item, messages)),
        ...extras(item, context),
        select,
      );
    }
    case 'scale': {
      const options = [];
      for (let point = item.min; point <= item.max; point++)
        options.push({ value: String(point), label: scaleLabel(messages, item, point) });
      return radioGroup(item, [...options, ...prefer], context, current, Number);
    }
    case 'number': {
      const input = h('input', {
        type: 'text',
        id: `q-${item.id}`,
        name: item.id,
        inputmode: item.step === 1 ? 'numeric' : 'decimal',
        autocomplete: 'off',
        value: context.rawText ?? (typeof value === 'number' ? String(value) : ''),
        'aria-describedby': describedBy(item, context),
        'aria-invalid': context.error ? 'true' : undefined,
        class: 'number',
      });
      input.addEventListener('input', () => {
        const text = input.value.trim().replace(',', '.');
        if (text === '') return context.onChange(undefined);
        const number = Number(text);
        // Not a number: kept as text so validation says what is wrong with it.
        context.onChange(
          Number.isFinite(number) && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) ? number : text,
          input.value,
        );
      });
      return h(
        'div',
        { class: `question${context.error ? ' has-error' : ''}` },
        h('label', { for: input.id }, ...labelText(item, messages)),
        ...extras(item, context),
        input,
      );
    }
  }
}
