// The public surface of the object store; other modules import from here.
export type {
  BlobBody,
  BlobListing,
  BlobStat,
  BlobStore,
  PutOptions,
  PutResult,
} from './blob-store.js';
export { createBlobStore, type CreateBlobStoreOptions } from './create-blob-store.js';
export { parseBlobStoreUrl, type BlobStoreLocation } from './blob-store-url.js';
export { validateBlobKey, validateBlobPrefix } from './blob-key.js';
export { BLOB_ERROR_CODES } from './errors.js';
export { blobSettingsSchema, type BlobSettings } from './settings.js';
export { FsBlobStore } from './fs-blob-store.js';
export { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
