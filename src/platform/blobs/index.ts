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
export { parseBlobStoreUrl, BlobStoreUrlError, type BlobStoreLocation } from './blob-store-url.js';
export { validateBlobKey, validateBlobPrefix, InvalidBlobKeyError } from './blob-key.js';
export { BlobNotFoundError } from './blob-not-found-error.js';
export { BlobKeyConflictError } from './blob-key-conflict-error.js';
export { FsBlobStore } from './fs-blob-store.js';
export { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
