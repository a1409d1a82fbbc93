import { describe, expect, it } from 'vitest';
import { languageNamed, LANGUAGES, searchKey, searchLanguages } from '../../shared/domain/languages.js';
import { languageTag } from '../../shared/domain/referral.js';

const tags = (query: string, lang: 'en' | 'es') => searchLanguages(query, lang).map((l) => l.tag);

describe('language list', () => {
  it('holds tags the API accepts, each once, with names in English and Spanish', () => {
    for (const l of LANGUAGES) {
      expect(languageTag.safeParse(l.tag).success, l.tag).toBe(true);
      expect(l.en.length * l.es.length, l.tag).toBeGreaterThan(0);
    }
    expect(new Set(LANGUAGES.map((l) => l.tag)).size).toBe(LANGUAGES.length);
  });

  it('has the Indigenous languages of Guatemala and Mexico that detained clients speak, by their ISO 639 codes', () => {
    const listed = new Set(LANGUAGES.map((l) => l.tag));
    for (const tag of [
      'quc',
      'mam',
      'kjb',
      'mix',
      'kek',
      'cak',
      'cac',
      'knj',
      'agu',
      'ixl',
      'cab',
      'nah',
      'zap',
      'tzh',
      'tzo',
      'jac',
      'poh',
      'tzj',
    ]) {
      expect(listed.has(tag), tag).toBe(true);
    }
  });
});

describe('language search', () => {
  it('ignores case, accents and apostrophes', () => {
    expect(searchKey("K'iche'")).toBe('kiche');
    expect(searchKey('  Español ')).toBe('espanol');
    expect(tags('kiche', 'en')[0]).toBe('quc');
    expect(tags('QUICHÉ', 'es')[0]).toBe('quc');
    expect(tags('espanol', 'es')[0]).toBe('es');
    expect(tags('náhuatl', 'en')[0]).toBe('nah');
    expect(tags('qanjobal', 'en')[0]).toBe('kjb');
  });

  it('finds a language by its name in either language, whatever the page language', () => {
    expect(tags('criollo', 'en')).toContain('ht');
    expect(tags('haitian', 'es')).toContain('ht');
    expect(tags('Mixteco', 'en')).toEqual(['mix']);
    expect(tags('mandarin', 'es')).toEqual(['zh']);
    expect(tags('farsi', 'en')).toEqual(['fa']);
  });

  it('lists names that start with the text before names that only contain it', () => {
    const found = tags('ma', 'en');
    expect(found.indexOf('mam')).toBeLessThan(found.indexOf('yua')); // "Mam" before "Yucatec Maya"
    expect(found).toContain('yua');
  });

  it('lists everything, by name in the page language, for an empty query', () => {
    const en = searchLanguages('', 'en').map((l) => l.en);
    expect(en).toHaveLength(LANGUAGES.length);
    expect(en).toEqual([...en].sort((a, b) => a.localeCompare(b, 'en')));
  });

  it('matches a full name exactly, in either language', () => {
    expect(languageNamed('criollo haitiano')?.tag).toBe('ht');
    expect(languageNamed("k'iche'")?.tag).toBe('quc');
    expect(languageNamed('Portuguese')?.tag).toBe('pt');
    expect(languageNamed('Portu')).toBeUndefined();
    expect(languageNamed('')).toBeUndefined();
  });
});
