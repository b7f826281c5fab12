#!/usr/bin/env bash
# Refreshes the GraphiQL assets that guanxi serves itself at /assets/graphiql/
# (src/api/graphiql/), so that GET /graphql works on an intranet without the
# internet. Downloads the pinned packages from the npm registry, keeps the
# minified browser builds gzipped (as they are sent) and their licences.
#
#     bash tools/vendor-graphiql.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# A new GraphiQL version also goes into VERSION in src/api/graphiql.rs (its
# files' paths).
GRAPHIQL=1.11.5
REACT=17.0.2
out=src/api/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
for p in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
  mkdir -p "$work/$p" && tar xzf "$work/$p.tgz" -C "$work/$p"
done
mkdir -p "$out"
gzip -9 -n -c "$work/graphiql-$GRAPHIQL/package/graphiql.min.js" > "$out/graphiql.min.js.gz"
gzip -9 -n -c "$work/graphiql-$GRAPHIQL/package/graphiql.min.css" > "$out/graphiql.min.css.gz"
gzip -9 -n -c "$work/react-$REACT/package/umd/react.production.min.js" > "$out/react.production.min.js.gz"
gzip -9 -n -c "$work/react-dom-$REACT/package/umd/react-dom.production.min.js" > "$out/react-dom.production.min.js.gz"
{
  echo "GraphiQL $GRAPHIQL (https://github.com/graphql/graphiql), MIT licence:"
  echo
  cat "$work/graphiql-$GRAPHIQL/package/LICENSE"
  echo
  echo "React and ReactDOM $REACT (https://github.com/facebook/react), MIT licence:"
  echo
  cat "$work/react-$REACT/package/LICENSE"
} > "$out/LICENSES"
ls -l "$out"
