import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { BlobStore } from './blob-store.js';
import { parseBlobStoreUrl } from './blob-store-url.js';
import type { BlobSettings } from './settings.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

/** Settings that are not configuration: injected by tests or tuned by callers. */
export interface CreateBlobStoreOptions {
  s3?: {
    /**
     * Explicit credentials (tests against s3rver). Without them the SDK's standard chain
     * applies: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, shared config files, web identity
     * (IRSA), container and instance metadata.
     */
    credentials?: S3ClientConfig['credentials'];
  } & Pick<S3BlobStoreOptions, 'partSize' | 'partConcurrency' | 'listPageSize' | 'spoolDirectory'>;
}

/**
 * The blob store `blobs.url` names: files under `dataDir/blobs` for `file`, the given
 * directory for `file:///abs/path`, an S3-compatible bucket for `s3://bucket/prefix` (with
 * `blobs.s3.endpoint`, `region` and `forcePathStyle`). Throws an `invalid` error for a URL
 * it cannot use. Nothing is contacted yet; call `ping()` to check reachability.
 *
 * @example
 * const blobs = createBlobStore(config.blobs, config.dataDir);
 * log.info(`objects in ${blobs.describe()}`);
 */
export function createBlobStore(
  settings: BlobSettings,
  dataDir: string,
  options: CreateBlobStoreOptions = {},
): BlobStore {
  const location = parseBlobStoreUrl(settings.url, dataDir);
  switch (location.kind) {
    case 'file':
      return new FsBlobStore(location.root);
    case 's3': {
      const { credentials, ...tuning } = options.s3 ?? {};
      const { endpoint, region, forcePathStyle } = settings.s3;
      const client = new S3Client({
        region,
        // An empty endpoint (the default config) means AWS itself.
        ...(endpoint ? { endpoint } : {}),
        forcePathStyle,
        ...(credentials ? { credentials } : {}),
        // Since SDK 3.729 every upload carries a CRC32 checksum by default, which several
        // S3-compatible servers reject or mishandle; sdp verifies content by its own SHA-256.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      return new S3BlobStore({
        client,
        bucket: location.bucket,
        prefix: location.prefix,
        ...tuning,
      });
    }
  }
}
