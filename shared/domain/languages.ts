/**
 * Languages a detained client or a released patient may speak, as data: the BCP 47 tag the API
 * stores (ISO 639-1 where there is one, else ISO 639-3) and the name in English and in Spanish,
 * plus other spellings people search by. Forms show names only; the tag is what they send.
 */
export interface Language {
  tag: string;
  en: string;
  es: string;
  /** Other names and spellings that find it ("Quiché", "Kanjobal", "Farsi"). */
  also?: string[];
}

export const LANGUAGES: readonly Language[] = [
  // the most common in the program's referrals
  { tag: 'es', en: 'Spanish', es: 'Español', also: ['Castellano'] },
  { tag: 'en', en: 'English', es: 'Inglés' },
  { tag: 'ht', en: 'Haitian Creole', es: 'Criollo haitiano', also: ['Kreyòl', 'Creole', 'Créole haïtien'] },
  { tag: 'pt', en: 'Portuguese', es: 'Portugués', also: ['Português'] },
  { tag: 'fr', en: 'French', es: 'Francés', also: ['Français'] },
  // Mayan languages of Guatemala and southern Mexico
  { tag: 'quc', en: "K'iche'", es: "K'iche'", also: ['Quiché', 'Kiche'] },
  { tag: 'mam', en: 'Mam', es: 'Mam' },
  { tag: 'kjb', en: "Q'anjob'al", es: "Q'anjob'al", also: ['Kanjobal'] },
  { tag: 'kek', en: "Q'eqchi'", es: "Q'eqchi'", also: ['Kekchí', 'Kekchi'] },
  { tag: 'cak', en: 'Kaqchikel', es: 'Kaqchikel', also: ['Cakchiquel'] },
  { tag: 'cac', en: 'Chuj', es: 'Chuj' },
  { tag: 'knj', en: 'Akateko', es: 'Akateko', also: ['Acateco'] },
  { tag: 'agu', en: 'Awakateko', es: 'Awakateko', also: ['Aguacateco'] },
  { tag: 'ixl', en: 'Ixil', es: 'Ixil' },
  { tag: 'jac', en: "Popti'", es: "Popti'", also: ['Jakaltek', 'Jacalteco'] },
  { tag: 'poh', en: "Poqomchi'", es: "Poqomchi'", also: ['Pocomchí'] },
  { tag: 'poc', en: 'Poqomam', es: 'Poqomam', also: ['Pocomam'] },
  { tag: 'tzj', en: "Tz'utujil", es: "Tz'utujil", also: ['Tzutujil'] },
  { tag: 'acr', en: 'Achi', es: 'Achí' },
  { tag: 'usp', en: 'Uspanteko', es: 'Uspanteko', also: ['Uspanteco'] },
  { tag: 'caa', en: "Ch'orti'", es: "Ch'orti'", also: ['Chortí'] },
  { tag: 'mop', en: 'Mopan', es: 'Mopán' },
  { tag: 'tzh', en: 'Tseltal', es: 'Tseltal', also: ['Tzeltal'] },
  { tag: 'tzo', en: 'Tsotsil', es: 'Tsotsil', also: ['Tzotzil'] },
  { tag: 'yua', en: 'Yucatec Maya', es: 'Maya yucateco' },
  // other Indigenous languages of Mexico and Central America
  { tag: 'mix', en: 'Mixtec', es: 'Mixteco' },
  { tag: 'zap', en: 'Zapotec', es: 'Zapoteco' },
  { tag: 'nah', en: 'Nahuatl', es: 'Náhuatl', also: ['Mexicano'] },
  { tag: 'mau', en: 'Mazatec', es: 'Mazateco' },
  { tag: 'trc', en: 'Triqui', es: 'Triqui', also: ['Trique'] },
  { tag: 'tsz', en: 'Purépecha', es: 'Purépecha', also: ['Tarasco', 'Tarascan'] },
  { tag: 'cab', en: 'Garifuna', es: 'Garífuna' },
  { tag: 'miq', en: 'Miskito', es: 'Misquito', also: ['Mískito'] },
  // from elsewhere
  { tag: 'zh', en: 'Chinese (Mandarin)', es: 'Chino (mandarín)', also: ['Mandarin', 'Mandarín'] },
  { tag: 'yue', en: 'Cantonese', es: 'Cantonés' },
  { tag: 'cdo', en: 'Fuzhounese (Min Dong)', es: 'Fuzhounés (min dong)', also: ['Fujianese', 'Foochow'] },
  { tag: 'ru', en: 'Russian', es: 'Ruso' },
  { tag: 'uk', en: 'Ukrainian', es: 'Ucraniano' },
  { tag: 'ro', en: 'Romanian', es: 'Rumano' },
  { tag: 'ka', en: 'Georgian', es: 'Georgiano' },
  { tag: 'hy', en: 'Armenian', es: 'Armenio' },
  { tag: 'tr', en: 'Turkish', es: 'Turco' },
  { tag: 'ku', en: 'Kurdish', es: 'Kurdo' },
  { tag: 'uz', en: 'Uzbek', es: 'Uzbeko' },
  { tag: 'ky', en: 'Kyrgyz', es: 'Kirguís' },
  { tag: 'kk', en: 'Kazakh', es: 'Kazajo' },
  { tag: 'tg', en: 'Tajik', es: 'Tayiko' },
  { tag: 'ar', en: 'Arabic', es: 'Árabe' },
  { tag: 'fa', en: 'Persian (Farsi)', es: 'Persa (farsi)', also: ['Farsi'] },
  { tag: 'prs', en: 'Dari', es: 'Darí' },
  { tag: 'ps', en: 'Pashto', es: 'Pastún', also: ['Pashtu'] },
  { tag: 'ur', en: 'Urdu', es: 'Urdu' },
  { tag: 'hi', en: 'Hindi', es: 'Hindi' },
  { tag: 'pa', en: 'Punjabi', es: 'Panyabí', also: ['Panjabi', 'Punyabí'] },
  { tag: 'gu', en: 'Gujarati', es: 'Guyaratí' },
  { tag: 'bn', en: 'Bengali', es: 'Bengalí', also: ['Bangla'] },
  { tag: 'ne', en: 'Nepali', es: 'Nepalí' },
  { tag: 'ta', en: 'Tamil', es: 'Tamil' },
  { tag: 'my', en: 'Burmese', es: 'Birmano' },
  { tag: 'km', en: 'Khmer', es: 'Jemer', also: ['Cambodian'] },
  { tag: 'vi', en: 'Vietnamese', es: 'Vietnamita' },
  { tag: 'ko', en: 'Korean', es: 'Coreano' },
  { tag: 'tl', en: 'Tagalog', es: 'Tagalo', also: ['Filipino'] },
  { tag: 'id', en: 'Indonesian', es: 'Indonesio' },
  { tag: 'mn', en: 'Mongolian', es: 'Mongol' },
  { tag: 'bo', en: 'Tibetan', es: 'Tibetano' },
  { tag: 'am', en: 'Amharic', es: 'Amárico' },
  { tag: 'ti', en: 'Tigrinya', es: 'Tigriña', also: ['Tigrigna'] },
  { tag: 'om', en: 'Oromo', es: 'Oromo' },
  { tag: 'so', en: 'Somali', es: 'Somalí' },
  { tag: 'sw', en: 'Swahili', es: 'Suajili', also: ['Kiswahili'] },
  { tag: 'wo', en: 'Wolof', es: 'Wólof' },
  { tag: 'ff', en: 'Fula', es: 'Fula', also: ['Fulani', 'Pulaar', 'Peul'] },
  { tag: 'mnk', en: 'Mandinka', es: 'Mandinga' },
  { tag: 'snk', en: 'Soninke', es: 'Soninké' },
  { tag: 'bm', en: 'Bambara', es: 'Bambara' },
  { tag: 'ln', en: 'Lingala', es: 'Lingala' },
  { tag: 'rw', en: 'Kinyarwanda', es: 'Kinyarwanda' },
  { tag: 'rn', en: 'Kirundi', es: 'Kirundi' },
  { tag: 'ak', en: 'Akan (Twi)', es: 'Akan (twi)', also: ['Twi'] },
  { tag: 'yo', en: 'Yoruba', es: 'Yoruba' },
  { tag: 'ig', en: 'Igbo', es: 'Igbo' },
  { tag: 'ha', en: 'Hausa', es: 'Hausa' },
  { tag: 'sq', en: 'Albanian', es: 'Albanés' },
  { tag: 'it', en: 'Italian', es: 'Italiano' },
  { tag: 'de', en: 'German', es: 'Alemán' },
  { tag: 'pl', en: 'Polish', es: 'Polaco' },
  { tag: 'jam', en: 'Jamaican Creole (Patois)', es: 'Criollo jamaiquino (patois)', also: ['Patwa'] },
  { tag: 'ase', en: 'American Sign Language', es: 'Lengua de señas americana', also: ['ASL'] },
  { tag: 'mfs', en: 'Mexican Sign Language', es: 'Lengua de señas mexicana', also: ['LSM'] },
];

export type NameLang = 'en' | 'es';

/** Lower case, without accents, apostrophes, glottal-stop marks or extra spaces: "K'iche'" → "kiche", "Español" → "espanol". */
export function searchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/['’ʼ‘`´]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const byTag = new Map(LANGUAGES.map((l) => [l.tag, l]));

/** The language of a tag (exact match), if listed. */
export function languageByTag(tag: string): Language | undefined {
  return byTag.get(tag);
}

/** A language's name in `lang`. */
export function languageLabel(language: Language, lang: NameLang): string {
  return language[lang];
}

/** The language whose name (in either language, or another listed spelling) is exactly `text`, ignoring case and accents. */
export function languageNamed(text: string): Language | undefined {
  const key = searchKey(text);
  if (!key) return undefined;
  return LANGUAGES.find((l) => [l.en, l.es, ...(l.also ?? [])].some((n) => searchKey(n) === key));
}

/**
 * Languages whose names, in English or Spanish or another listed spelling, contain `query` (case,
 * accents and apostrophes ignored); names that start with it first, then by name in `lang`.
 * An empty query lists them all by name.
 */
export function searchLanguages(query: string, lang: NameLang): Language[] {
  const key = searchKey(query);
  const ranked: { language: Language; rank: number }[] = [];
  for (const language of LANGUAGES) {
    const names = [language[lang], language[lang === 'en' ? 'es' : 'en'], ...(language.also ?? [])].map(searchKey);
    let rank = -1;
    if (!key) rank = 2;
    else if (names.some((n) => n.startsWith(key))) rank = 0;
    else if (names.some((n) => n.split(/[\s(]+/).some((word) => word.startsWith(key)))) rank = 1;
    else if (names.some((n) => n.includes(key))) rank = 2;
    if (rank >= 0) ranked.push({ language, rank });
  }
  return ranked.sort((a, b) => a.rank - b.rank || a.language[lang].localeCompare(b.language[lang], lang)).map((r) => r.language);
}
