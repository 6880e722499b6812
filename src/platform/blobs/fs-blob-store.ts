import { randomBytes } from 'node:crypto';
import { constants, type BigIntStats } from 'node:fs';
import {
  access,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rmdir,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { validateBlobKey, validateBlobPrefix } from './blob-key.js';
import type {
  BlobBody,
  BlobListing,
  BlobStat,
  BlobStore,
  PutOptions,
  PutResult,
} from './blob-store.js';
import { bodyChunks, ContentDigest } from './content-digest.js';
import { DEFAULT_CONTENT_TYPE } from './default-content-type.js';
import { writeAll } from './write-all.js';
import { blobKeyConflict, blobNotFound } from './errors.js';
import type { DomainError } from '../../errors.js';

// Layout under the root, chosen so that the content stays an ordinary, browsable file:
//   <dir>/<name>                    the content of key <dir>/<name>, byte for byte
//   <dir>/.<name>.meta.json         sidecar: sha256, size, content type
//   <dir>/.<name>.<random>.tmp      a put in progress (or interrupted by a crash)
// Key segments never start with ".", so the bookkeeping files can never collide with a key.
//
// A put renames the content into place first and the sidecar second; a crash in between
// leaves new content with an old (or no) sidecar. The sidecar therefore records the inode,
// size and mtime of the file it describes, and `stat` trusts it only if they still match;
// otherwise it rehashes the file and rewrites the sidecar. The same rule makes files copied
// into the directory by hand (or restored from a backup) come out right.

const sidecarSchema = z.object({
  version: z.literal(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  ino: z.string(),
  mtimeNs: z.string(),
  contentType: z.string().optional(),
});
type Sidecar = z.infer<typeof sidecarSchema>;

/** How often a put retries creating its temporary file when a concurrent delete pruned the folder. */
const CREATE_ATTEMPTS = 5;

/**
 * Blobs as files under a root directory, for embedded mode. Writes are atomic (temporary
 * file in the same directory, fsync, rename), so a crash or a failed body stream never leaves
 * a partial object under its key.
 */
export class FsBlobStore implements BlobStore {
  /** Absolute path of the directory holding the blobs; created on first write. */
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, body: BlobBody, options: PutOptions = {}): Promise<PutResult> {
    validateBlobKey(key);
    const file = this.#pathOf(key);
    const dir = path.dirname(file);
    const name = path.basename(file);
    const { tempPath: contentTemp, handle } = await this.#createTempFile(key, dir, name);
    let sidecarTemp: string | undefined;
    try {
      const digest = new ContentDigest();
      let written: BigIntStats;
      try {
        for await (const chunk of bodyChunks(body)) {
          digest.update(chunk);
          await writeAll(handle, chunk);
        }
        await handle.sync();
        written = await handle.stat({ bigint: true });
      } catch (error) {
        await handle.close().catch(() => {});
        throw error;
      }
      await handle.close();

      const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
      const sidecar = sidecarFor(written, digest.sha256, contentType);
      sidecarTemp = tempPathFor(dir, name);
      await writeFileSynced(sidecarTemp, JSON.stringify(sidecar));
      await this.#renameIntoPlace(key, contentTemp, file);
      await rename(sidecarTemp, sidecarPathFor(dir, name));
      await syncDirectory(dir);
      return { key, size: digest.size, sha256: digest.sha256 };
    } catch (error) {
      await Promise.all(
        [contentTemp, sidecarTemp].map((temp) => (temp ? unlink(temp).catch(() => {}) : undefined)),
      );
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    validateBlobKey(key);
    const handle = await this.#openContent(key);
    if (!handle) throw blobNotFound(key, this.describe());
    return handle.createReadStream();
  }

  async getBuffer(key: string): Promise<Buffer> {
    validateBlobKey(key);
    const handle = await this.#openContent(key);
    if (!handle) throw blobNotFound(key, this.describe());
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async stat(key: string): Promise<BlobStat | undefined> {
    validateBlobKey(key);
    const handle = await this.#openContent(key);
    if (!handle) return undefined;
    try {
      // Stat the open handle, not the path, so a concurrent put renaming a new file into
      // place cannot make the hash and the size describe different files.
      const stats = await handle.stat({ bigint: true });
      const file = this.#pathOf(key);
      const sidecarPath = sidecarPathFor(path.dirname(file), path.basename(file));
      let sidecar = await readSidecar(sidecarPath);
      if (!sidecar || !sidecarMatches(sidecar, stats)) {
        sidecar = sidecarFor(stats, await hashHandle(handle), sidecar?.contentType);
        await writeSidecarQuietly(sidecarPath, sidecar);
      }
      return {
        key,
        size: Number(stats.size),
        sha256: sidecar.sha256,
        modifiedAt: stats.mtime,
        contentType: sidecar.contentType ?? DEFAULT_CONTENT_TYPE,
      };
    } finally {
      await handle.close();
    }
  }

  async exists(key: string): Promise<boolean> {
    validateBlobKey(key);
    try {
      return (await lstat(this.#pathOf(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async *list(prefix = ''): AsyncIterable<BlobListing> {
    validateBlobPrefix(prefix);
    // Start in the deepest folder the prefix names; only its first level needs filtering by
    // the rest of the prefix, since everything below a matching entry matches too.
    const slash = prefix.lastIndexOf('/');
    const folderKey = prefix.slice(0, slash + 1);
    const namePrefix = prefix.slice(slash + 1);
    yield* this.#walk(folderKey, namePrefix);
  }

  async delete(key: string): Promise<void> {
    validateBlobKey(key);
    const file = this.#pathOf(key);
    const dir = path.dirname(file);
    try {
      await unlink(file);
    } catch (error) {
      // EISDIR/EPERM: the key names a folder of other blobs, so there is no object to delete.
      if (!isMissing(error) && !hasCode(error, 'EISDIR', 'EPERM')) throw error;
    }
    await unlink(sidecarPathFor(dir, path.basename(file))).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
    await this.#pruneEmptyFolders(dir);
  }

  describe(): string {
    return pathToFileURL(this.root).href;
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.R_OK | constants.W_OK);
  }

  async close(): Promise<void> {}

  /** The file of a validated key; the check is defence in depth behind `validateBlobKey`. */
  #pathOf(key: string): string {
    const file = path.join(this.root, ...key.split('/'));
    const relative = path.relative(this.root, file);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new Error(`Blob key "${key}" resolves outside ${this.root}`);
    }
    return file;
  }

  async #createTempFile(
    key: string,
    dir: string,
    name: string,
  ): Promise<{ tempPath: string; handle: FileHandle }> {
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dir, { recursive: true });
      } catch (error) {
        if (hasCode(error, 'ENOTDIR', 'EEXIST')) throw await this.#folderConflict(key);
        throw error;
      }
      const tempPath = tempPathFor(dir, name);
      try {
        return { tempPath, handle: await open(tempPath, 'wx', 0o644) };
      } catch (error) {
        // ENOENT: a delete of the folder's last blob removed the folder after our mkdir.
        if (!hasCode(error, 'ENOENT') || attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }

  async #renameIntoPlace(key: string, temp: string, file: string): Promise<void> {
    try {
      await rename(temp, file);
    } catch (error) {
      const isFolder = await lstat(file).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (isFolder) throw blobKeyConflict(key, key);
      throw error;
    }
  }

  /** The conflict error naming the first ancestor of `key` that is a blob, not a folder. */
  async #folderConflict(key: string): Promise<DomainError> {
    const segments = key.split('/');
    for (let i = 1; i < segments.length; i++) {
      const ancestor = segments.slice(0, i).join('/');
      const isFile = await lstat(this.#pathOf(ancestor)).then(
        (s) => !s.isDirectory(),
        () => false,
      );
      if (isFile) return blobKeyConflict(key, ancestor);
    }
    return blobKeyConflict(key, segments.slice(0, -1).join('/'));
  }

  async #openContent(key: string): Promise<FileHandle | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(this.#pathOf(key), 'r');
    } catch (error) {
      if (isMissing(error) || hasCode(error, 'EISDIR')) return undefined;
      throw error;
    }
    // Opening a directory for reading succeeds on Linux; a folder of blobs is not a blob.
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      return undefined;
    }
    return handle;
  }

  async *#walk(folderKey: string, namePrefix: string): AsyncGenerator<BlobListing> {
    const dir = folderKey === '' ? this.root : this.#pathOf(folderKey.slice(0, -1));
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    // Sorting folders as "name/" gives the byte order of full keys that S3 uses: "a.txt"
    // ("." is 0x2e) comes before everything in folder "a" ("/" is 0x2f).
    const candidates = entries
      .filter((entry) => entry.name.startsWith(namePrefix) && isKeySegment(entry.name))
      .filter((entry) => entry.isFile() || entry.isDirectory())
      .map((entry) => ({ name: entry.name, isFolder: entry.isDirectory() }))
      .map((entry) => ({ ...entry, sortKey: entry.isFolder ? `${entry.name}/` : entry.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const entry of candidates) {
      const key = `${folderKey}${entry.name}`;
      if (entry.isFolder) {
        yield* this.#walk(`${key}/`, '');
        continue;
      }
      try {
        const stats = await lstat(path.join(dir, entry.name));
        yield { key, size: stats.size, modifiedAt: stats.mtime };
      } catch (error) {
        if (!isMissing(error)) throw error; // deleted while we listed: simply not there
      }
    }
  }

  /** Removes folders left empty by a delete, so they neither clutter listings nor block keys. */
  async #pruneEmptyFolders(dir: string): Promise<void> {
    for (let current = dir; current !== this.root && current.startsWith(this.root);) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (ENOTEMPTY), already gone, or not ours to remove: stop here
      }
      current = path.dirname(current);
    }
  }
}

function tempPathFor(dir: string, name: string): string {
  return path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
}

function sidecarPathFor(dir: string, name: string): string {
  return path.join(dir, `.${name}.meta.json`);
}

function sidecarFor(stats: BigIntStats, sha256: string, contentType: string | undefined): Sidecar {
  return {
    version: 1,
    sha256,
    size: Number(stats.size),
    ino: stats.ino.toString(),
    mtimeNs: stats.mtimeNs.toString(),
    ...(contentType === undefined ? {} : { contentType }),
  };
}

function sidecarMatches(sidecar: Sidecar, stats: BigIntStats): boolean {
  return (
    sidecar.size === Number(stats.size) &&
    sidecar.ino === stats.ino.toString() &&
    sidecar.mtimeNs === stats.mtimeNs.toString()
  );
}

async function readSidecar(file: string): Promise<Sidecar | undefined> {
  try {
    const parsed = sidecarSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // missing or unreadable: the caller rehashes and rewrites it
  }
}

/** Repairs a stale sidecar; failing (e.g. a read-only directory) only costs a rehash later. */
async function writeSidecarQuietly(file: string, sidecar: Sidecar): Promise<void> {
  const temp = tempPathFor(path.dirname(file), path.basename(file));
  try {
    await writeFileSynced(temp, JSON.stringify(sidecar));
    await rename(temp, file);
  } catch {
    await unlink(temp).catch(() => {});
  }
}

async function hashHandle(handle: FileHandle): Promise<string> {
  const digest = new ContentDigest();
  const stream = handle.createReadStream({ start: 0, autoClose: false });
  for await (const chunk of stream) digest.update(chunk as Buffer);
  return digest.sha256;
}

async function writeFileSynced(file: string, text: string): Promise<void> {
  const handle = await open(file, 'wx', 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes a rename durable. Best effort: some platforms (Windows) cannot open a directory, and
 * the put has already happened atomically; only its survival of a power cut is at stake.
 */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // see above
  }
}

function isKeySegment(name: string): boolean {
  try {
    validateBlobKey(name);
    return true;
  } catch {
    return false; // our own dot-files, or files put there by hand that no key can address
  }
}

function isMissing(error: unknown): boolean {
  return hasCode(error, 'ENOENT', 'ENOTDIR');
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    codes.includes((error as NodeJS.ErrnoException).code ?? '')
  );
}
