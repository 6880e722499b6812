import { Command } from 'commander';
import {
  probeRespondents,
  runBehaviourChecks,
  type BehaviourCheckResult,
} from '../training/behaviour-checks.js';
import { loadRegisteredModel } from '../training/model-loader.js';
import { formatValue } from './format.js';
import { configurableCommand, loadCliConfig, printJson, withRuntime } from './shared.js';
import { formatTable } from './table.js';

function checksTable(checks: readonly BehaviourCheckResult[]): string {
  return formatTable(
    ['STATUS', 'KIND', 'CHECK', 'MEASURED', 'MUST BE'],
    checks.map((check) => [
      check.passed ? 'pass' : 'FAIL',
      check.kind,
      check.name,
      formatValue(check.measured),
      `${check.rule} ${check.threshold}`,
    ]),
  );
}

const model = configurableCommand(
  'model',
  'Run the behaviour checks (invariance, direction, minimum functionality) on a registered model version',
)
  .requiredOption('--model <ref>', 'name@alias, name/version, or name (its champion)')
  .option('--json', 'print the results as JSON')
  .addHelpText('after', '\nExit code: 0 when every check passes, 1 when one fails.')
  .action(async (overrides: string[], options: { model: string; json?: boolean }) => {
    const { config } = loadCliConfig(overrides);
    const loaded = await withRuntime(config, ({ registry, blobs }) =>
      loadRegisteredModel(registry, blobs, options.model),
    );
    const probes = probeRespondents();
    const checks = runBehaviourChecks((rows) => loaded.pipeline.predictProba(rows), probes);
    const failed = checks.filter((check) => !check.passed).length;
    if (options.json) {
      printJson({
        model: loaded.version.ref,
        aliases: loaded.version.aliases,
        probes: probes.length,
        passed: failed === 0,
        checks,
      });
    } else {
      const aliases = loaded.version.aliases.length
        ? ` (${loaded.version.aliases.join(', ')})`
        : '';
      console.log(
        `${loaded.version.ref}${aliases}: ${checks.length} behaviour checks on ${probes.length} probe respondents`,
      );
      console.log(checksTable(checks));
      console.log(
        `Result: ${failed ? 'FAIL' : 'PASS'} (${checks.length - failed} passed, ${failed} failed)`,
      );
    }
    if (failed) process.exitCode = 1;
  });

/** `sdp test …`: tests of trained artefacts, as opposed to the code's own tests (`npm test`). */
export const testCommand = new Command('test')
  .description('Test a trained model: behaviour checks on a registered version')
  .addCommand(model);
