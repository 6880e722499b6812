/* global document, fetch */
// The system's readiness on the home page. Anyone sees ready or not; a logged-in viewer
// (the session cookie goes along) also sees each backend.
const status = document.getElementById('status');
try {
  const response = await fetch('/readyz');
  const body = await response.json();
  status.dataset.state = body.status;
  const parts = Object.entries(body.checks ?? {}).map(
    ([name, check]) => `${name}: ${check.kind} ${check.status}`,
  );
  status.textContent = `System ${body.status}${parts.length ? ` — ${parts.join(', ')}` : ''}`;
} catch {
  status.dataset.state = 'unavailable';
  status.textContent = 'System status unavailable';
}
