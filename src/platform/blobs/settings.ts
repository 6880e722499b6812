import { z } from 'zod';

/** The `blobs` section: files under the data directory, a directory, or an S3 bucket. */
export const blobSettingsSchema = z.strictObject({
  url: z.string().refine((url) => url === 'file' || /^(file|s3):\/\//.test(url), {
    message: 'must be "file", a file:// URL or an s3://bucket/prefix URL',
  }),
  s3: z.strictObject({
    /** Empty: AWS itself. */
    endpoint: z.string(),
    region: z.string().min(1),
    forcePathStyle: z.boolean(),
  }),
});
export type BlobSettings = z.infer<typeof blobSettingsSchema>;
