import type { Language, TicketStatusView } from '../../../shared/ui-protocol.js';
import { label } from '../labels.js';
import { NumericKeypad } from '../widgets/keypad.js';
import { keyActions, keyLabels, TextField } from './report.js';
import type { ScreenProps } from './types.js';
import { PinnedRow } from '../widgets/pinned-row.js';

const TICKET_KEYS = ['-', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

export function StatusEntryScreen({ model, send, lang }: ScreenProps<'status-entry'>) {
  return (
    <>
      <h1>{label(lang, 'statusEntry')}</h1>
      <TextField text={model.text} short testId="ticket-entry" />
      {model.looking && <p class="muted">{label(lang, 'looking')}</p>}
      {model.error !== null && <p class="notice error">{label(lang, `status.${model.error}`)}</p>}
      <NumericKeypad actions={keyActions(send)} extraKeys={TICKET_KEYS} labels={keyLabels(lang)} />
      <PinnedRow>
        <button type="button" class="primary" data-testid="next" disabled={model.looking} onClick={() => send({ type: 'NEXT' })}>
          {label(lang, 'faq.search')}
        </button>
      </PinnedRow>
    </>
  );
}

function TicketCard({ t, lang }: { t: TicketStatusView; lang: Language }) {
  return (
    <section class="balance-card" data-testid="ticket-status" data-status={t.status}>
      <div class="ticket-id" style={{ fontSize: '2rem' }}>
        {t.ticketId}
      </div>
      <p>
        <strong>{t.statusLabel}</strong> · {t.categoryLabel}
      </p>
      {t.note !== null && (
        <>
          <h2>{label(lang, 'status.reply')}</h2>
          <p data-testid="ticket-reply">{t.note}</p>
        </>
      )}
      <p class="muted">{t.updatedText}</p>
    </section>
  );
}

export function StatusListScreen({ model, send, lang }: ScreenProps<'status-list'>) {
  return (
    <>
      <h1>{label(lang, 'statusList')}</h1>
      {model.tickets.map((t) => (
        <button type="button" class="action" key={t.ticketId} onClick={() => send({ type: 'STATUS.SELECT', ticketId: t.ticketId })}>
          {t.ticketId} · {t.statusLabel}
        </button>
      ))}
    </>
  );
}

export function StatusResultScreen({ model, send, lang }: ScreenProps<'status-result'>) {
  return (
    <>
      <TicketCard t={model.ticket} lang={lang} />
      <PinnedRow>
        <button type="button" class="primary" onClick={() => send({ type: 'EXIT' })}>
          {label(lang, 'exit')}
        </button>
      </PinnedRow>
    </>
  );
}
