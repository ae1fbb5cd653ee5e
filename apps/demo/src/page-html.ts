// The one HTML page. Everything it runs is the local bundle (no CDN); the token stays in the
// address bar and is never sent to anyone else (no-referrer).

/** The terminal page. */
export const TERMINAL_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sluice demo</title>
<link rel="stylesheet" href="/xterm.css">
<link rel="stylesheet" href="/app.css">
</head>
<body>
<div id="banner" role="alert" hidden></div>
<main id="terminal" aria-label="terminal"></main>
<footer id="status" aria-live="polite">
  <span id="status-state">connecting</span>
  <span id="status-target"></span>
  <span id="status-bytes"></span>
  <span id="status-wire"></span>
  <span id="status-rtt"></span>
  <a id="status-view" hidden target="_blank" rel="noopener">view link</a>
</footer>
<script type="module" src="/app.js"></script>
</body>
</html>
`;

/** The answer to a page request without a valid token. */
export const NO_TOKEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sluice demo: access token needed</title></head>
<body><h1>Access token needed</h1>
<p>Open the address the demo server printed when it started: it ends in <code>?token=…</code>.
A read-only view link ends in <code>?view=…</code>.</p>
</body></html>
`;
