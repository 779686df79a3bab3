import type { Language } from '../../../shared/ui-protocol.js';
import { label } from '../labels.js';
import { OnScreenKeyboard, type KeyboardActions, type KeyboardLabels } from '../widgets/keyboard.js';
import { NumericKeypad } from '../widgets/keypad.js';
import { QrCode } from '../widgets/qr-code.js';
import type { ScreenProps, Send } from './types.js';
import { PinnedRow } from '../widgets/pinned-row.js';

export function keyActions(send: Send): KeyboardActions {
  return {
    key: (key) => send({ type: 'KEY.PRESS', key }),
    backspace: () => send({ type: 'KEY.BACKSPACE' }),
    clear: () => send({ type: 'KEY.CLEAR' }),
  };
}

export function keyLabels(lang: Language): KeyboardLabels {
  return {
    space: label(lang, 'space'),
    backspace: label(lang, 'backspace'),
    shift: label(lang, 'shift'),
    clear: label(lang, 'clear'),
    phrases: label(lang, 'report.phrases'),
    pinyinMode: label(lang, 'keyboard.pinyin'),
    latinMode: label(lang, 'keyboard.latin'),
    candidates: label(lang, 'keyboard.candidates'),
    more: label(lang, 'keyboard.more'),
    previous: label(lang, 'keyboard.previous'),
    typeLetters: label(lang, 'keyboard.type-letters'),
  };
}

/** `13800138000` → `138 0013 8000`, the way mainland numbers are read aloud and printed. */
export function groupPhone(digits: string): string {
  return [digits.slice(0, 3), digits.slice(3, 7), digits.slice(7)].filter((g) => g !== '').join(' ');
}

/** What is wrong with a partly typed mainland mobile number, as a label key; null when nothing is. */
export function phoneHint(digits: string): 'phone.hint-first' | 'phone.hint-second' | 'phone.hint-length' | null {
  if (digits === '') return null;
  if (!digits.startsWith('1')) return 'phone.hint-first';
  if (digits.length >= 2 && !/^1[3-9]/.test(digits)) return 'phone.hint-second';
  if (digits.length < 11) return 'phone.hint-length';
  return null;
}

export function TextField({ text, short = false, testId }: { text: string; short?: boolean; testId: string }) {
  return (
    <div class={short ? 'text-field short' : 'text-field'} data-testid={testId}>
      {text}
      <span class="caret">&nbsp;</span>
    </div>
  );
}

export function ReportCategoryScreen({ model, send, lang }: ScreenProps<'report-category'>) {
  return (
    <>
      <h1>{label(lang, 'report.category')}</h1>
      <div class="actions">
        {model.categories.map((c) => (
          <button type="button" class="action" key={c.id} data-category={c.id} onClick={() => send({ type: 'REPORT.CATEGORY', category: c.id })}>
            {c.label}
          </button>
        ))}
      </div>
    </>
  );
}

export function ReportDescribeScreen({ model, send, lang }: ScreenProps<'report-describe'>) {
  return (
    <>
      {/* Next stands beside the title: the whole keyboard fits under it, in large text too. */}
      <div class="title-row">
        <h1>
          {label(lang, 'report.describe')} · {model.category.label}
        </h1>
        <div class="nav">
          <button type="button" class="primary" data-testid="next" disabled={!model.canContinue} onClick={() => send({ type: 'NEXT' })}>
            {label(lang, 'button.next')}
          </button>
        </div>
      </div>
      <TextField text={model.text} testId="description" />
      <div class="muted">
        {[...model.text].length} / {model.maxLength}
      </div>
      <OnScreenKeyboard lang={lang} actions={keyActions(send)} phrases={model.phrases} onPhrase={(phraseId) => send({ type: 'PHRASE.ADD', phraseId })} labels={keyLabels(lang)} />
    </>
  );
}

export function ReportPhoneScreen({ model, send, lang }: ScreenProps<'report-phone'>) {
  const hint = phoneHint(model.phone);
  return (
    <>
      <h1>{label(lang, 'report.phone')}</h1>
      <p class="muted" data-testid="phone-why">{label(lang, 'phone.why')}</p>
      <div class="phone-entry">
        <div class="phone-left">
          <TextField text={groupPhone(model.phone)} short testId="phone" />
          <p class="muted" data-testid="phone-count">{label(lang, 'phone.count', [...model.phone].length)}</p>
          {model.error !== null ? (
            <p class="notice error" data-testid="phone-error">
              {label(lang, 'report.phone-invalid')}
            </p>
          ) : (
            hint !== null && (
              <p class="notice" data-testid="phone-hint">
                {label(lang, hint, 11 - [...model.phone].length)}
              </p>
            )
          )}
          <p class="muted">{label(lang, 'phone.format')}</p>
        </div>
        <NumericKeypad actions={keyActions(send)} labels={keyLabels(lang)} />
      </div>
      <PinnedRow>
        <button type="button" data-testid="skip" onClick={() => send({ type: 'SKIP' })}>
          {label(lang, 'button.skip')}
        </button>
        <button type="button" class="primary" data-testid="next" onClick={() => send({ type: 'NEXT' })}>
          {label(lang, 'button.next')}
        </button>
      </PinnedRow>
    </>
  );
}

export function ReportReviewScreen({ model, send, lang }: ScreenProps<'report-review'>) {
  return (
    <>
      <h1>{label(lang, 'report.review')}</h1>
      <dl>
        <dt class="muted">{label(lang, 'category')}</dt>
        <dd>{model.category.label}</dd>
        <dt class="muted">{label(lang, 'description')}</dt>
        <dd data-testid="review-description">{model.description}</dd>
        <dt class="muted">{label(lang, 'phone')}</dt>
        <dd>{model.phone ?? label(lang, 'none')}</dd>
        <dt class="muted">{label(lang, 'card')}</dt>
        <dd>{model.card?.maskedNumber ?? label(lang, 'none')}</dd>
      </dl>
      {model.error !== null && <p class="notice error">{label(lang, model.error === 'storage-full' ? 'report.storage-full' : 'report.submit-failed')}</p>}
      <PinnedRow>
        <button type="button" class="primary" data-testid="submit" disabled={model.submitting} onClick={() => send({ type: 'SUBMIT' })}>
          {model.submitting ? label(lang, 'submitting') : label(lang, 'button.submit')}
        </button>
      </PinnedRow>
    </>
  );
}

export function ReportDoneScreen({ model, send, lang }: ScreenProps<'report-done'>) {
  const receipt =
    model.receipt === 'printing'
      ? label(lang, 'report.printing')
      : model.receipt === 'printed'
        ? label(lang, 'receiptPrinted')
        : model.receipt === 'failed'
          ? label(lang, 'report.print-failed')
          : null;
  return (
    <>
      <h1>{label(lang, 'report.done')}</h1>
      <div class="ticket-id" data-testid="ticket-id">
        {model.ticketId}
      </div>
      <QrCode data={model.statusUrl} label={label(lang, 'followTicket')} />
      {receipt !== null && <p class={model.receipt === 'failed' ? 'notice error' : 'notice ok'}>{receipt}</p>}
      <PinnedRow>
        {model.receipt === 'failed' && (
          <button type="button" onClick={() => send({ type: 'RECEIPT.RETRY' })}>
            {label(lang, 'button.retry-print')}
          </button>
        )}
        <button type="button" class="primary" data-testid="done" onClick={() => send({ type: 'NEXT' })}>
          {label(lang, 'done')}
        </button>
      </PinnedRow>
    </>
  );
}
