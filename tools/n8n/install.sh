#!/usr/bin/env bash
# Installs the n8n pinned in tools/n8n/package.json into a cache directory outside the repo
# (about 1.8 GB, 3-4 minutes). Idempotent: a finished install leaves a marker and a rerun exits at once.
# Prints the install directory on stdout. Override the cache root with X8_N8N_CACHE. After changing package.json,
# refresh the lockfile: run this, then copy package-lock.json from the install directory back here.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(node -p "require('$here/package.json').dependencies.n8n")"
cache_root="${X8_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/x8}"
target="$cache_root/n8n-$version"
marker="$target/.x8-installed"

# The marker holds the recipe's checksum (npm may rewrite the lockfile it installs from, so no file comparison).
recipe="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
current() {
  [[ -f "$marker" && "$(cat "$marker")" == "$recipe" ]]
}

if current; then
  echo "$target"
  exit 0
fi

mkdir -p "$cache_root"
# Two concurrent `make test` runs must not interleave npm installs into the same directory.
exec 9>"$cache_root/.n8n-$version.lock"
flock 9
if current; then
  echo "$target"
  exit 0
fi

rm -f "$marker"
mkdir -p "$target"
# The lockfile pins every transitive version, so CI installs exactly what was tested.
cp "$here/package.json" "$here/package-lock.json" "$target/"
echo "installing n8n $version into $target (a few minutes, about 1.8 GB)" >&2
# --ignore-scripts: n8n's optional native builds (isolated-vm and friends) fail on Node 20 and are not needed;
# sqlite3 is the one native module n8n needs, so it is rebuilt on its own.
(cd "$target" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
(cd "$target" && npm rebuild sqlite3 --loglevel=error >&2)
test -x "$target/node_modules/.bin/n8n"
echo "$recipe" > "$marker"
echo "$target"
