import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeyedHashPort } from '../ports.js';

/**
 * HMAC-SHA-256 inside KMS (an HMAC_256 key that never leaves KMS): nothing secret is loaded at cold
 * start, and one GenerateMac call (a few ms) per hashed value.
 */
export class KmsKeyedHash implements KeyedHashPort {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async hash(value: string): Promise<string> {
    const { Mac } = await this.kms.send(new GenerateMacCommand({
      KeyId: this.keyId,
      MacAlgorithm: 'HMAC_SHA_256',
      Message: new TextEncoder().encode(value),
    }));
    if (!Mac) throw new Error('KMS returned no MAC');
    return Buffer.from(Mac).toString('hex');
  }
}
