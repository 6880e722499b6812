import { open } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3 refuses parts below 5 MiB (except the last) and uploads of more than 10,000 parts. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

export interface MultipartUploadRequest {
  client: S3Client;
  bucket: string;
  objectKey: string;
  /** A local file holding the complete content, so that any part can be read again. */
  file: string;
  size: number;
  partSize: number;
  /** Parts in flight at once; memory use is about `partSize × concurrency`. */
  concurrency: number;
  contentType: string;
  metadata: Record<string, string>;
}

/**
 * Uploads a local file as one S3 object in parts. Each part is sent as a Buffer, so the SDK
 * can retry a failed part on its own (a stream body cannot be replayed). On any failure the
 * upload is aborted, so the parts already stored do not linger (and bill) on the server.
 */
export async function uploadFileInParts(request: MultipartUploadRequest): Promise<void> {
  const { client, bucket, objectKey } = request;
  const partSize = Math.max(request.partSize, MIN_PART_SIZE, Math.ceil(request.size / MAX_PARTS));
  const partCount = Math.max(1, Math.ceil(request.size / partSize));

  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: objectKey,
      ContentType: request.contentType,
      Metadata: request.metadata,
    }),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error(`S3 returned no upload id for s3://${bucket}/${objectKey}`);

  const handle = await open(request.file, 'r');
  try {
    const parts: CompletedPart[] = new Array(partCount);
    let nextPart = 0;
    let failed = false;
    // A few workers each take the next part number until none are left or one has failed.
    const uploadParts = async () => {
      for (let index = nextPart++; index < partCount && !failed; index = nextPart++) {
        const start = index * partSize;
        const length = Math.min(partSize, request.size - start);
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, start);
        if (bytesRead !== length)
          throw new Error(`Spool file ${request.file} shrank while uploading`);
        const { ETag } = await client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: objectKey,
            UploadId: uploadId,
            PartNumber: index + 1,
            Body: buffer,
            ContentLength: length,
          }),
        );
        parts[index] = { ETag, PartNumber: index + 1 };
      }
    };
    // Wait for every worker, not just the first failure, so no part lands after the abort.
    const outcomes = await Promise.allSettled(
      Array.from({ length: Math.min(request.concurrency, partCount) }, () =>
        uploadParts().catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    const firstFailure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (firstFailure) throw firstFailure.reason;
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: objectKey,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    // Best effort: the original error is what the caller needs. (s3rver, used in tests, does
    // not implement AbortMultipartUpload at all.)
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: objectKey, UploadId: uploadId }))
      .catch(() => {});
    throw error;
  } finally {
    await handle.close();
  }
}
