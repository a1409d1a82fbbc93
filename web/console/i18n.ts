/** The console in English, with Spanish for the words a coordinator reads most. English text is the key. */
export type Lang = 'en' | 'es';

const ES: Record<string, string> = {
  Queue: 'Casos',
  Roster: 'Turnos',
  Clinics: 'Clínicas',
  'Trusted submitters': 'Remitentes de confianza',
  Metrics: 'Métricas',
  'Sign out': 'Cerrar sesión',
  'Sign in': 'Iniciar sesión',
  'Skip to content': 'Ir al contenido',
  'Coordinator console': 'Consola de coordinación',
  'Sign in to see the cases.': 'Inicie sesión para ver los casos.',
  'No access': 'Sin acceso',
  'Needs a doctor now': 'Necesita un médico ahora',
  'All cases': 'Todos los casos',
  All: 'Todos',
  'Search by referral id or A-number': 'Buscar por número de caso o número A',
  Search: 'Buscar',
  'Clear search': 'Borrar búsqueda',
  'Refresh now': 'Actualizar ahora',
  'Load more': 'Cargar más',
  Updated: 'Actualizado',
  'No cases here.': 'No hay casos aquí.',
  urgent: 'urgente',
  routine: 'rutina',
  Unassigned: 'Sin asignar',
  'Assigned to': 'Asignado a',
  'Case file': 'Expediente',
  Approve: 'Aprobar',
  'Add note': 'Agregar nota',
  Note: 'Nota',
  'Record release': 'Registrar liberación',
  'Close case': 'Cerrar caso',
  Timeline: 'Historial',
  Documents: 'Documentos',
  Offers: 'Ofertas',
  Referral: 'Remisión',
  Attorney: 'Abogado/a',
  Client: 'Cliente',
  Custody: 'Custodia',
  Medical: 'Médico',
  Request: 'Solicitud',
  'Back to the queue': 'Volver a los casos',
  Language: 'Idioma',
  paging: 'Buscando médico',
  escalated: 'Escalado',
  held: 'Retenido',
  awaiting_verification: 'Esperando verificación',
  awaiting_review: 'Esperando revisión',
  assigned: 'Asignado',
  released: 'Liberado',
  closed: 'Cerrado',
};

let lang: Lang = sessionStorage.getItem('console.lang') === 'es' ? 'es' : 'en';

export const currentLang = () => lang;
export function setLang(next: Lang): void {
  lang = next;
  sessionStorage.setItem('console.lang', next);
  document.documentElement.lang = next;
}
document.documentElement.lang = lang;

/** `text` in the current language (English when there is no Spanish for it). */
export function t(text: string): string {
  return lang === 'es' ? (ES[text] ?? text) : text;
}
