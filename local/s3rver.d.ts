/** The part of s3rver (a CommonJS package without types) the local runtime uses. */
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  export default class S3rver {
    constructor(options: { directory: string; silent?: boolean; configureBuckets?: { name: string; configs?: string[] }[] });
    configureBuckets(): Promise<void>;
    getMiddleware(): (req: IncomingMessage, res: ServerResponse) => void;
    reset(): void;
    store: { getObject(bucket: string, key: string): Promise<{ content: AsyncIterable<Buffer> }> };
  }
}
