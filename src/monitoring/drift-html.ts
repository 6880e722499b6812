import type { DriftReport } from './drift-report.js';
import type { StoredDriftReport } from './drift-service.js';

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const fixed = (x: number | null, digits = 4) =>
  x === null ? '–' : Number.isFinite(x) ? x.toFixed(digits) : '∞';

/** Paired bars, reference and current, per bin or category: an inline SVG (no script, no fonts). */
function plot(
  title: string,
  data: { labels: string[]; reference: number[]; current: number[] },
): string {
  const width = 640;
  const height = 180;
  const left = 40;
  const bottom = 40;
  const n = Math.max(1, data.labels.length);
  const slot = (width - left) / n;
  const top = Math.max(0.0001, ...data.reference, ...data.current);
  const bar = (value: number, i: number, offset: number, cls: string) => {
    const h = (value / top) * (height - bottom - 10);
    return `<rect class="${cls}" x="${(left + i * slot + offset).toFixed(1)}" y="${(height - bottom - h).toFixed(1)}" width="${(slot / 2 - 1).toFixed(1)}" height="${h.toFixed(1)}"><title>${escape(data.labels[i])}: ${(value * 100).toFixed(1)}%</title></rect>`;
  };
  const bars = data.labels
    .map((_, i) => bar(data.reference[i], i, 0, 'ref') + bar(data.current[i], i, slot / 2, 'cur'))
    .join('');
  const labels = data.labels
    .map(
      (label, i) =>
        `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${height - bottom + 12}" transform="rotate(35 ${(left + i * slot + slot / 2).toFixed(1)} ${height - bottom + 12})">${escape(label.slice(0, 14))}</text>`,
    )
    .join('');
  return `<svg role="img" aria-label="${escape(title)}: reference and current shares" viewBox="0 0 ${width} ${height}" width="100%"><text x="0" y="12">${(top * 100).toFixed(0)}%</text><line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#888"/>${bars}${labels}</svg>`;
}

/** One self-contained HTML file: summary, table, and a plot per feature (readable without a server). */
export function driftReportHtml(stored: StoredDriftReport): string {
  const report = stored.report as DriftReport;
  const rows = report.features
    .map(
      (f) =>
        `<tr class="${f.drifted ? 'drifted' : ''}"><th scope="row"><a href="#${f.feature}">${f.feature}</a></th><td>${f.kind}</td><td>${f.test}</td><td>${fixed(f.statistic)}</td><td>${fixed(f.pValue, 6)}</td><td>${fixed(f.adjustedPValue, 6)}</td><td>${fixed(f.threshold, 3)}</td><td>${f.drifted ? 'drifted' : 'stable'}</td></tr>`,
    )
    .join('\n');
  const plots = report.features
    .map(
      (f) =>
        `<section id="${f.feature}"><h3>${f.feature} — ${f.drifted ? '<strong>drifted</strong>' : 'stable'}</h3><p>${f.test}: ${fixed(f.statistic)}${f.pValue === null ? ` (threshold ${f.threshold})` : `, p = ${fixed(f.pValue, 6)} (Holm ${fixed(f.adjustedPValue, 6)})`}; missing ${(f.missing.reference * 100).toFixed(1)}% → ${(f.missing.current * 100).toFixed(1)}%</p>${plot(f.feature, f.plot)}</section>`,
    )
    .join('\n');
  const score = report.score
    ? `<section id="score"><h3>Predicted score — ${report.score.drifted ? '<strong>drifted</strong>' : 'stable'}</h3><p>PSI ${fixed(report.score.psi)} (threshold ${report.score.threshold}); share at or above the threshold ${(report.score.positiveRate.reference * 100).toFixed(1)}% → ${(report.score.positiveRate.current * 100).toFixed(1)}%. A score is a screening aid, never a diagnosis.</p>${plot('score', report.score.plot)}</section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drift report ${escape(stored.id)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left}
tr.drifted{background:#fde8e8}.ref{fill:#9aa5b1}.cur{fill:#1f6feb}svg text{font-size:9px;fill:#333}
.legend span{display:inline-block;width:1em;height:1em;vertical-align:middle;margin:0 .3em}
</style></head><body>
<h1>Drift report</h1>
<p><strong>${report.datasetDrift ? 'Dataset drift' : 'No dataset drift'}</strong>: ${report.driftedFeatures.length} of ${report.features.length} features drifted (${(report.driftedShare * 100).toFixed(0)}%; dataset drift at ${(report.settings.datasetDriftShare * 100).toFixed(0)}%)${report.driftedFeatures.length ? `: ${report.driftedFeatures.map((f) => `<a href="#${f}">${f}</a>`).join(', ')}` : ''}.</p>
<p>Model ${escape(stored.model_name)} v${stored.model_version}; reference: its training dataset ${escape(stored.reference_dataset)} (${report.referenceRows} rows); current: ${report.currentRows} predictions from ${stored.window_start.toISOString()} to ${stored.window_end.toISOString()}. ${escape(report.multipleTesting)}.</p>
<p class="legend"><span style="background:#9aa5b1"></span>reference <span style="background:#1f6feb"></span>current</p>
<table><thead><tr><th>feature</th><th>type</th><th>test</th><th>statistic</th><th>p</th><th>Holm p</th><th>threshold</th><th>verdict</th></tr></thead><tbody>
${rows}
</tbody></table>
${score}
${plots}
</body></html>
`;
}
