import type { Clinic } from './clinics.js';
import { message, type Message } from './messages.js';

/**
 * What released patients, clinics and coordinators are told after a handoff. Patient SMS are reviewed
 * templates per language (no machine translation at run time); they name the patient's own clinic and
 * never the patient, the case or anything medical. Languages without a template get English, and the
 * coordinator is told to call with an interpreter.
 */
export const PATIENT_LANGUAGES = ['en', 'es', 'pt', 'ht', 'fr'] as const;
export type PatientLanguage = (typeof PATIENT_LANGUAGES)[number];

/** The segment budgets the templates are held to (test/unit/care-messages.test.ts renders each in every language). */
export const SEGMENT_BUDGET = { handoff: 6, checkIn: 3, reply: 2 } as const;

/** The clinic details a patient's handoff SMS carries. */
export type ClinicContact = Pick<Clinic, 'name' | 'address' | 'phone' | 'hours'>;

interface Templates {
  handoff: (c: { name: string; address: string; phone: string; hours?: string }) => string;
  checkIn: string;
  seen: string;
  help: string;
}

const TEMPLATES: Record<PatientLanguage, Templates> = {
  en: {
    handoff: (c) =>
      `medreview: Your clinic: ${c.name}, ${c.address}. Call ${c.phone} for an appointment.${c.hours ? ` Hours: ${c.hours}.` : ''} ` +
      'Bring an ID or your release papers, your medicines and any medical papers. Reply STOP to end these messages.',
    checkIn: 'medreview: Reply 1 if you have a clinic appointment or were seen, 2 if you need help. Reply STOP to end these messages.',
    seen: 'medreview: Thank you. We are glad you are in care.',
    help: 'medreview: Thank you. Someone from the program will call you soon.',
  },
  es: {
    handoff: (c) =>
      `medreview: Su clínica: ${c.name}, ${c.address}. Llame al ${c.phone} para pedir una cita.${c.hours ? ` Horario: ${c.hours}.` : ''} ` +
      'Lleve una identificación o sus papeles de salida, sus medicinas y sus papeles médicos. Responda STOP para no recibir más mensajes.',
    checkIn:
      'medreview: Responda 1 si tiene cita en la clínica o ya lo atendieron, 2 si necesita ayuda. Responda STOP para no recibir más mensajes.',
    seen: 'medreview: Gracias. Nos alegra que ya tenga atención médica.',
    help: 'medreview: Gracias. Una persona del programa le llamará pronto.',
  },
  pt: {
    handoff: (c) =>
      `medreview: Sua clínica: ${c.name}, ${c.address}. Ligue para ${c.phone} para marcar consulta.${c.hours ? ` Horário: ${c.hours}.` : ''} ` +
      'Leve um documento de identidade ou seus papéis de soltura, seus remédios e seus papéis médicos. Responda STOP para não receber mais mensagens.',
    checkIn:
      'medreview: Responda 1 se tem consulta na clínica ou já foi atendido, 2 se precisa de ajuda. Responda STOP para não receber mais mensagens.',
    seen: 'medreview: Obrigado. Ficamos felizes que você já está sendo atendido.',
    help: 'medreview: Obrigado. Uma pessoa do programa vai ligar para você em breve.',
  },
  ht: {
    handoff: (c) =>
      `medreview: Klinik ou: ${c.name}, ${c.address}. Rele ${c.phone} pou pran randevou.${c.hours ? ` Lè: ${c.hours}.` : ''} ` +
      'Pote yon kat idantite oswa papye liberasyon ou, medikaman ou ak papye medikal ou. Reponn STOP pou pa resevwa mesaj ankò.',
    checkIn:
      'medreview: Reponn 1 si ou gen randevou nan klinik la oswa yo te wè ou deja, 2 si ou bezwen èd. Reponn STOP pou pa resevwa mesaj ankò.',
    seen: 'medreview: Mèsi. Nou kontan ou resevwa swen.',
    help: 'medreview: Mèsi. Yon moun nan pwogram nan ap rele ou byento.',
  },
  fr: {
    handoff: (c) =>
      `medreview : Votre clinique : ${c.name}, ${c.address}. Appelez le ${c.phone} pour un rendez-vous.${c.hours ? ` Horaires : ${c.hours}.` : ''} ` +
      "Apportez une pièce d'identité ou vos papiers de libération, vos médicaments et vos papiers médicaux. Répondez STOP pour ne plus recevoir de messages.",
    checkIn:
      "medreview : Répondez 1 si vous avez un rendez-vous à la clinique ou avez été reçu, 2 si vous avez besoin d'aide. Répondez STOP pour ne plus recevoir de messages.",
    seen: 'medreview : Merci. Nous sommes heureux que vous soyez suivi.',
    help: 'medreview : Merci. Une personne du programme va vous appeler.',
  },
};

/** The templates of a language (its primary subtag), or English with `fallback` when there are none. */
function templates(language: string): { t: Templates; fallback: boolean } {
  const primary = language.split('-')[0]!.toLowerCase();
  return primary in TEMPLATES ? { t: TEMPLATES[primary as PatientLanguage], fallback: false } : { t: TEMPLATES.en, fallback: true };
}

/** A US phone number as people write it: +15125550140 → (512) 555-0140. */
export function displayPhone(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

export function handoffSms(language: string, clinic: ClinicContact): { text: string; fallback: boolean } {
  const { t, fallback } = templates(language);
  const a = clinic.address;
  const address = `${a.line1}, ${a.city}, ${a.state} ${a.zip}`;
  return { text: t.handoff({ name: clinic.name, address, phone: displayPhone(clinic.phone), hours: clinic.hours }), fallback };
}

export const checkInSms = (language: string) => templates(language).t.checkIn;
export const checkInReply = (language: string, answer: '1' | '2') => templates(language).t[answer === '1' ? 'seen' : 'help'];

/** The clinic's introduction: the referral by id; no patient details (a coordinator calls with them). No PHI in the subject. */
export function clinicIntroEmail(p: { referralId: string; clinicName: string; coordinators: string[] }): Message {
  return message(`New patient referral ${p.referralId} from medreview`, [
    `medreview, a volunteer medical program, is referring a patient recently released from immigration detention to ${p.clinicName}. Reference: ${p.referralId}.`,
    "The patient has your address and phone number and was asked to call you for an appointment. A program coordinator will call you with the patient's details.",
    'Shared documents: none. Case documents cannot be shared through medreview yet.',
    `Questions: ${p.coordinators.join(', ') || 'reply to this email'}. Please quote ${p.referralId}.`,
  ]);
}

/** What coordinators are told about a handoff or a check-in, by case id; never the patient's details. */
export function careNoticeEmail(referralId: string, subject: string, lines: string[]): Message {
  return message(`Care after release: case ${referralId} ${subject}`, lines);
}
