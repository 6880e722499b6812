import { createHash } from 'node:crypto';
import type { BlobStore } from '../platform/blobs/index.js';
import type { ModelVersion } from '../tracking/registry-repository.js';
import type { RegistryService } from '../tracking/registry-service.js';
import { loadArtifact, type LoadedModel } from './model-artifact.js';

export interface RegisteredModel extends LoadedModel {
  version: ModelVersion;
}

/**
 * Loads a registered version (`name@alias`, `name/3`, or `name` for its champion): resolves
 * the reference, reads the artifact from the object store, checks its SHA-256 against the
 * registry and revives the pipeline.
 */
export async function loadRegisteredModel(
  registry: RegistryService,
  blobs: BlobStore,
  ref: string,
): Promise<RegisteredModel> {
  const version = await registry.resolveVersion(ref);
  const bytes = await blobs.getBuffer(version.artifactKey);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== version.artifactSha256) {
    throw new Error(
      `The artifact of ${version.ref} does not match its registered SHA-256 (${sha256} ≠ ${version.artifactSha256}): refusing to load it.`,
    );
  }
  return { version, ...loadArtifact(bytes.toString('utf8')) };
}
