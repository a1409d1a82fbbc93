import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyedHashPort } from '../ports.js';

/** HMAC-SHA-256 with a key held in memory: the local runtime's stand-in for the KMS HMAC key. */
export class LocalKeyedHash implements KeyedHashPort {
  constructor(private readonly key: Buffer) {}

  async hash(value: string): Promise<string> {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
  }

  /** The key kept in `file` (made on first use, readable by the owner only); no file → a fresh key in memory. */
  static fromFile(file: string | null): LocalKeyedHash {
    if (!file) return new LocalKeyedHash(randomBytes(32));
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    return new LocalKeyedHash(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }
}
