/** A test that did not run, with where it lives and why (its suite's `skipReason` or skip note). */
export interface SkippedTest {
  project: string;
  file: string;
  reason: string | undefined;
}

const MAX_FILES = 3;

function files(names: ReadonlySet<string>): string {
  const list = [...names].sort();
  const shown = list.slice(0, MAX_FILES).join(', ');
  return list.length > MAX_FILES ? `${shown}, … ${list.length - MAX_FILES} more` : shown;
}

/**
 * Lines that say, once per reason, which tiers or tests were skipped and why: a whole tier
 * ("data tier skipped: SDP_DATASET is not set — …"), then any tests of other tiers skipped
 * for the same reason, with their files. Tests skipped without a reason are counted too, so
 * a skip never goes unmentioned.
 * @param testsPerProject every test of the run, skipped or not, per project
 */
export function skipNotes(
  skipped: readonly SkippedTest[],
  testsPerProject: ReadonlyMap<string, number>,
): string[] {
  const byReason = new Map<string, Map<string, { count: number; files: Set<string> }>>();
  for (const test of skipped) {
    const reason = test.reason ?? '';
    const projects = byReason.get(reason) ?? new Map();
    byReason.set(reason, projects);
    const entry = projects.get(test.project) ?? { count: 0, files: new Set<string>() };
    projects.set(test.project, entry);
    entry.count++;
    entry.files.add(test.file);
  }
  const lines: string[] = [];
  for (const [reason, projects] of byReason) {
    const whole: string[] = [];
    const partial: string[] = [];
    for (const [project, { count, files: names }] of projects) {
      const total = testsPerProject.get(project) ?? count;
      if (count === total && reason) whole.push(project);
      else partial.push(`${count} of ${total} ${project} tests (${files(names)})`);
    }
    if (!reason) {
      lines.push(`skipped with no reason given: ${partial.join('; ')}`);
    } else if (whole.length > 0) {
      const tiers = `${whole.join(' and ')} tier${whole.length > 1 ? 's' : ''}`;
      lines.push(`${tiers} skipped: ${reason}`);
      if (partial.length > 0) lines.push(`  also skipped for that reason: ${partial.join('; ')}`);
    } else {
      lines.push(`${partial.join('; ')} skipped: ${reason}`);
    }
  }
  return lines;
}
