import { Fragment, type ComponentChildren } from 'preact';
import { languageByTag, languageLabel } from '../../shared/domain/languages.js';
import { currentLang, day, say, t, when } from './i18n.js';
import { Documents } from './documents.js';
import { OutcomeForm } from './outcome-form.js';

type Referral = {
  attorney: { name: string; organization?: string; email: string; phone: string; barNumber?: string; barState?: string; g28Filed: boolean };
  client: {
    givenName: string;
    familyName: string;
    aNumber: string;
    dateOfBirth: string;
    countryOfBirth: string;
    language: string;
    interpreterNeeded: boolean;
  };
  custody: { facilityName: string; facilityState: string; fieldOffice?: string; detainedSince?: string };
  medical: { concern: string; riskFactors?: string[]; medications?: string; attorneyUrgency: string };
  request: { services: string[]; specialty?: string; deadline?: string };
};
type Person = { name: string; email: string; phone: string; organization?: string };

/** A case as `GET /api/attorney/referrals/{id}` and `GET /api/doctor/cases/{id}` answer it. */
export interface CaseDetail {
  referralId: string;
  createdAt: string;
  urgency: string;
  status: string;
  referral: Referral;
  doctor?: Person;
  attorney?: Person;
  outcome?: string;
  closedAt?: string;
  documentRetentionDays?: number;
  documentsDeletedAfter?: string;
  events: { at: string; event: string; outcome?: string }[];
}

const yesNo = (b: boolean) => (b ? t('Yes') : t('No'));
const country = (code: string) => new Intl.DisplayNames([currentLang()], { type: 'region' }).of(code) ?? code;
const language = (tag: string) => {
  const found = languageByTag(tag);
  return found ? languageLabel(found, currentLang()) : tag;
};

/** When the documents go, as the attorney's page says it. */
export function retentionText(c: Pick<CaseDetail, 'documentRetentionDays' | 'documentsDeletedAfter'>): string | undefined {
  if (c.documentRetentionDays === undefined) return undefined;
  return c.documentsDeletedAfter
    ? t('Documents will be deleted on {date}, {days} days after the case closed.', {
        date: day(c.documentsDeletedAfter),
        days: c.documentRetentionDays,
      })
    : t('Documents are kept until {days} days after the case closes, then deleted.', { days: c.documentRetentionDays });
}

/** One case: status and events, the other side's contact, the documents, what was submitted; the attorney's outcome form. */
export function CaseView({ detail, role, onChanged }: { detail: CaseDetail; role: 'attorney' | 'doctor'; onChanged: () => void }) {
  const r = detail.referral;
  const other = role === 'attorney' ? detail.doctor : detail.attorney;
  return (
    <>
      <h1 tabIndex={-1}>
        {t('Referral')} <span class="reference">{detail.referralId}</span>
      </h1>
      <dl class="facts">
        <dt>{t('Status')}</dt>
        <dd>{say(detail.status)}</dd>
        <dt>{t('Urgency')}</dt>
        <dd>{say(detail.urgency)}</dd>
        <dt>{t('Sent')}</dt>
        <dd>{when(detail.createdAt)}</dd>
        {detail.outcome && (
          <>
            <dt>{say('outcome')}</dt>
            <dd>{say(detail.outcome)}</dd>
          </>
        )}
      </dl>

      <section aria-labelledby="contact-title">
        <h2 id="contact-title">{role === 'attorney' ? t('Your doctor') : t('Attorney')}</h2>
        {other ? (
          <dl class="facts">
            <dt>{t('Name')}</dt>
            <dd>{other.name}</dd>
            {other.organization && (
              <>
                <dt>{t('Organization')}</dt>
                <dd>{other.organization}</dd>
              </>
            )}
            <dt>{t('Email')}</dt>
            <dd>
              <a href={`mailto:${other.email}`}>{other.email}</a>
            </dd>
            <dt>{t('Phone')}</dt>
            <dd>
              <a href={`tel:${other.phone}`}>{other.phone}</a>
            </dd>
          </dl>
        ) : (
          <p>{t('No doctor has accepted yet. Once one does, you get an email introducing you, and the doctor appears here.')}</p>
        )}
      </section>

      <Documents referralId={detail.referralId} role={role} retention={retentionText(detail)} />

      {role === 'attorney' && !detail.outcome && <OutcomeForm referralId={detail.referralId} onRecorded={onChanged} />}

      <section aria-labelledby="events-title">
        <h2 id="events-title">{t('What happened so far')}</h2>
        <ol class="events">
          {detail.events.map((e, i) => (
            <li key={`${e.at}-${i}`}>
              <span>{when(e.at)}</span> {say(e.event === 'released' ? 'client_released' : e.event)}
              {e.outcome ? `: ${say(e.outcome)}` : ''}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="submitted-title">
        <h2 id="submitted-title">{role === 'attorney' ? t('What you sent') : t('Referral')}</h2>
        <Facts title={t('Client')}>
          {[
            [t('Given name'), r.client.givenName],
            [t('Family name'), r.client.familyName],
            [t('A-number'), r.client.aNumber],
            [t('Date of birth'), day(r.client.dateOfBirth)],
            [t('Country of birth'), country(r.client.countryOfBirth)],
            [t('Language'), language(r.client.language)],
            [t('Interpreter needed'), yesNo(r.client.interpreterNeeded)],
          ]}
        </Facts>
        <Facts title={t('Custody')}>
          {[
            [t('Facility'), r.custody.facilityName],
            [t('Facility state'), r.custody.facilityState],
            [t('ICE field office'), r.custody.fieldOffice],
            [t('Detained since'), r.custody.detainedSince && day(r.custody.detainedSince)],
          ]}
        </Facts>
        <Facts title={t('Health')}>
          {[
            [t('Health concern'), r.medical.concern],
            [t('Risk factors'), r.medical.riskFactors?.length ? r.medical.riskFactors.map(say).join(', ') : undefined],
            [t('Medications'), r.medical.medications],
            [t('Urgency'), say(r.medical.attorneyUrgency)],
          ]}
        </Facts>
        <Facts title={t('Request')}>
          {[
            [t('Services'), r.request.services.map(say).join(', ')],
            [t('Specialty'), r.request.specialty && say(r.request.specialty)],
            [t('Deadline'), r.request.deadline && day(r.request.deadline)],
          ]}
        </Facts>
        <Facts title={t('Attorney')}>
          {[
            [t('Name'), r.attorney.name],
            [t('Organization'), r.attorney.organization],
            [t('Email'), r.attorney.email],
            [t('Phone'), r.attorney.phone],
            [t('Bar number'), r.attorney.barNumber && `${r.attorney.barNumber}${r.attorney.barState ? ` (${r.attorney.barState})` : ''}`],
            [t('G-28 filed'), yesNo(r.attorney.g28Filed)],
          ]}
        </Facts>
      </section>
    </>
  );
}

function Facts({ title, children }: { title: string; children: [string, string | undefined][] }): ComponentChildren {
  return (
    <>
      <h3>{title}</h3>
      <dl class="facts">
        {children
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <Fragment key={label}>
              <dt>{label}</dt>
              <dd class="prewrap">{value}</dd>
            </Fragment>
          ))}
      </dl>
    </>
  );
}
