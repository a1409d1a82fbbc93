import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import type { Adapter } from '../deps.js';
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
    const { Mac } = await this.kms.send(
      new GenerateMacCommand({
        KeyId: this.keyId,
        MacAlgorithm: 'HMAC_SHA_256',
        Message: new TextEncoder().encode(value),
      }),
    );
    if (!Mac) throw new Error('KMS returned no MAC');
    return Buffer.from(Mac).toString('hex');
  }
}

/** The `keyedHash` port: HMAC in KMS with the A-number key. */
export const kmsKeyedHash: Adapter<'keyedHash'> = (cfg) => {
  if (!cfg.A_NUMBER_KEY_ID) throw new Error('invalid configuration: A_NUMBER_KEY_ID');
  return new KmsKeyedHash(new KMSClient({}), cfg.A_NUMBER_KEY_ID);
};
