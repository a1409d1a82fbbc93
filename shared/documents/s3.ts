import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Adapter } from '../deps.js';
import type { DocumentStoragePort } from '../ports.js';

/**
 * Case documents in S3 (AWS), or in the local S3-compatible server (the same client with a local endpoint).
 * Uploads go straight from the browser to the bucket by presigned POST; this signs them and the downloads.
 */
export class S3Documents implements DocumentStoragePort {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async presignUpload(key: string, o: { contentType: string; maxBytes: number; expiresSeconds: number }) {
    // the policy fixes the key (Key), the content type and the size: S3 itself refuses any other upload
    return createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: key,
      Fields: { 'Content-Type': o.contentType },
      Conditions: [
        ['eq', '$Content-Type', o.contentType],
        ['content-length-range', 1, o.maxBytes],
      ],
      Expires: o.expiresSeconds,
    });
  }

  presignDownload(key: string, o: { downloadName: string; expiresSeconds: number }): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentDisposition: `attachment; filename="${o.downloadName}"` }),
      { expiresIn: o.expiresSeconds },
    );
  }

  async firstBytes(key: string, bytes: number): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${bytes - 1}` }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async tagPrefix(prefix: string, tags: Record<string, string>): Promise<void> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken }));
      for (const { Key } of page.Contents ?? []) {
        if (Key) await this.addTags(Key, tags);
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /** PutObjectTagging replaces the whole set: the object's own tags (the malware scan's) are kept. */
  private async addTags(key: string, tags: Record<string, string>): Promise<void> {
    const { TagSet = [] } = await this.client.send(new GetObjectTaggingCommand({ Bucket: this.bucket, Key: key }));
    const merged = new Map(TagSet.map((t) => [t.Key!, t.Value!]));
    if (Object.entries(tags).every(([k, v]) => merged.get(k) === v)) return;
    for (const [k, v] of Object.entries(tags)) merged.set(k, v);
    await this.client.send(
      new PutObjectTaggingCommand({
        Bucket: this.bucket,
        Key: key,
        Tagging: { TagSet: [...merged].map(([Key, Value]) => ({ Key, Value })) },
      }),
    );
  }
}

/** The `documents` port: the bucket named by DOCUMENTS_BUCKET (a function that declares the port cannot start without it). */
export const s3Documents: Adapter<'documents'> = (cfg) => {
  if (!cfg.DOCUMENTS_BUCKET) throw new Error('invalid configuration: DOCUMENTS_BUCKET');
  return new S3Documents(new S3Client({}), cfg.DOCUMENTS_BUCKET);
};
