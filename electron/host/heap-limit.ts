// Node flags for the desk host's process, given wherever it is launched. A first sync parses page
// after page of JSON that is garbage once written; left to itself V8 grows the heap far past what
// is live before it collects. A cap keeps the host near its real working set (a page or two of
// rows, SQLite's page cache), which a desktop shares with Chromium.
export const HOST_NODE_FLAGS: readonly string[] = ['--max-old-space-size=128', '--max-semi-space-size=4'];
