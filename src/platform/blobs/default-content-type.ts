/** The content type of a blob put without one; S3 would otherwise pick its own default. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
