// Runs graphql-http's server audits (the GraphQL over HTTP specification's
// reference audits) against the URL given, and prints one JSON line per audit:
// {"id", "name", "status": "ok" | "warn" | "error", "reason"}.
// Usage: node audit.mjs URL, with NODE_PATH pointing at graphql-http's node_modules.
import { createRequire } from 'node:module';

const require = createRequire(process.env.GRAPHQL_HTTP_MODULES + '/');
const { auditServer } = require('graphql-http');

const url = process.argv[2];
const results = await auditServer({ url });
for (const r of results) {
  console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? null }));
}
