import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

/**
 * The embedded database's lock: `<dataDir>/sdp.lock`, created exclusively by the one process
 * that opens PGlite (two processes opening the same PGlite directory corrupt it). It names the
 * holder, so that others can tell the user who holds it, or reach the database through the
 * holder's socket (embedded-bridge.ts).
 */
export interface LockHolder {
  pid: number;
  /** This process's own id: tells our lock from one left by an earlier process with our pid. */
  instance?: string;
  /** What the holder runs, e.g. `sdp start`, for messages. */
  command: string;
  /** The holder's socket for other local processes, when it shares the database. */
  socket: string | null;
}

export interface HeldLock {
  /** Records the socket the holder now listens on. */
  advertise(socket: string): void;
  release(): void;
}

export type LockOutcome =
  { acquired: true; lock: HeldLock } | { acquired: false; holder: LockHolder };

export const LOCK_FILE = 'sdp.lock';

const INSTANCE = randomUUID();

/** A takeover left behind by a process that died in the middle of it (a few statements) is older. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Takes the lock, or says who holds it. A lock whose holder process is gone (killed, crashed,
 * machine restarted) is stale and is taken over. Two processes taking over the same stale lock
 * at the same moment cannot both win: a takeover first creates `sdp.lock.takeover`
 * exclusively, and only its creator removes the stale lock.
 */
export function takeEmbeddedLock(dataDir: string, command: string): LockOutcome {
  const file = path.join(dataDir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, instance: INSTANCE, command, socket: null };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createWhole(file, JSON.stringify(mine)))
      return { acquired: true, lock: heldLock(file, mine) };
    const holder = readHolder(file);
    if (holder && isAlive(holder)) return { acquired: false, holder };
    removeStaleLock(file, holder?.pid);
  }
  const holder = readHolder(file);
  if (holder) return { acquired: false, holder };
  throw new Error(`Could not take the lock ${file}: it keeps changing hands`);
}

/**
 * Creates `file` with `content` unless it exists, atomically: written aside and hard-linked
 * into place, so that no reader ever sees it half written.
 */
function createWhole(file: string, content: string): boolean {
  const aside = `${file}.${process.pid}`;
  writeFileSync(aside, content, { mode: 0o600 });
  try {
    linkSync(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(aside, { force: true });
  }
}

/** Removes the lock left by `stalePid`, unless another process is taking it over right now. */
function removeStaleLock(file: string, stalePid: number | undefined): void {
  const takeover = `${file}.takeover`;
  try {
    writeFileSync(takeover, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = Date.now() - (statSync(takeover, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (age > TAKEOVER_STALE_MS) rmSync(takeover, { force: true });
    return;
  }
  try {
    // Still the stale holder's? (Another process may have finished a takeover meanwhile.)
    if (readHolder(file)?.pid === stalePid) rmSync(file, { force: true });
  } finally {
    rmSync(takeover, { force: true });
  }
}

function heldLock(file: string, mine: LockHolder): HeldLock {
  let released = false;
  return {
    advertise(socket) {
      // Written aside and renamed: a reader sees the old content or the new, never half.
      writeFileSync(`${file}.${process.pid}`, JSON.stringify({ ...mine, socket }), { mode: 0o600 });
      renameSync(`${file}.${process.pid}`, file);
    },
    release() {
      if (released) return;
      released = true;
      if (readHolder(file)?.pid === mine.pid) rmSync(file, { force: true });
    },
  };
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      instance: typeof parsed.instance === 'string' ? parsed.instance : undefined,
      command: typeof parsed.command === 'string' ? parsed.command : 'sdp',
      socket: typeof parsed.socket === 'string' ? parsed.socket : null,
    };
  } catch {
    // Missing or unreadable (locks are written whole): no holder.
    return undefined;
  }
}

/**
 * Whether the holder runs: our own lock, or a process with its pid (EPERM: as another user).
 * A lock with our pid but not our instance was left by an earlier process — in a container,
 * every start may get the same pid.
 */
function isAlive({ pid, instance }: LockHolder): boolean {
  if (pid === process.pid) return instance === INSTANCE;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
