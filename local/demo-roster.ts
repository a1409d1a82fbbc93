/** A small roster for `npm start`: two doctors on call from now, a backup and a coordinator. */
export function demoRoster(now: Date) {
  const start = new Date(now.getTime() - 3_600_000).toISOString();
  const end = new Date(now.getTime() + 7 * 86_400_000).toISOString();
  return {
    doctors: [
      {
        id: 'd-ana',
        name: 'Dr. Ana Ruiz',
        email: 'ana@example.org',
        phone: '+15125550101',
        specialties: ['general', 'psychiatry'],
        languages: ['en', 'es'],
        timeZone: 'America/Chicago',
        maxOpenCases: 3,
        active: true,
        quietHours: { start: '22:00', end: '07:00' },
      },
      {
        id: 'd-ben',
        name: 'Dr. Ben Okafor',
        email: 'ben@example.org',
        phone: '+15125550102',
        specialties: ['general', 'internal_medicine'],
        languages: ['en'],
        timeZone: 'America/New_York',
        maxOpenCases: 2,
        active: true,
      },
      {
        id: 'd-caro',
        name: 'Dr. Carolina Vega',
        email: 'caro@example.org',
        phone: '+15125550103',
        specialties: ['general', 'obstetrics'],
        languages: ['es', 'en'],
        timeZone: 'America/Los_Angeles',
        maxOpenCases: 2,
        active: true,
      },
    ],
    coordinators: [{ id: 'c-lee', name: 'Lee Park', email: 'lee@example.org', phone: '+15125550199' }],
    shifts: [
      { doctorId: 'd-ana', role: 'primary', start, end },
      { doctorId: 'd-ben', role: 'primary', start, end },
      { doctorId: 'd-caro', role: 'backup', start, end },
    ],
  };
}
