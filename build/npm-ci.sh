#!/usr/bin/env bash
# Installs the npm packages pinned by a package-lock.json, for the Maven build (one script for every module that
# needs npm). Usage: npm-ci.sh <package dir> <install dir>
#   <package dir>  holds package.json, package-lock.json and any source the install needs (for example an entry
#                  script to bundle); it is never written to
#   <install dir>  where the files are copied and node_modules is made (under target/ for built artifacts)
# npm ci runs again only when the lock file changed. Without npm the build fails here, with the reason: a build that
# quietly left packages out would produce a different distribution (no TypeScript, no Deno).
set -euo pipefail
src=$1
dest=$2
if ! command -v npm >/dev/null 2>&1; then
  echo "[npm-ci] npm is not installed, and the build needs it for $src (pinned npm packages: see README," >&2
  echo "[npm-ci] Requirements). Install Node.js 20+ with npm and build again." >&2
  exit 1
fi
mkdir -p "$dest"
if [ "$(cd "$src" && pwd)" != "$(cd "$dest" && pwd)" ]; then
  # Everything of the package but an installed node_modules, which may sit there from an older build.
  (cd "$src" && find . -path ./node_modules -prune -o -type f -print) | while read -r file; do
    mkdir -p "$dest/$(dirname "$file")"
    cp -p "$src/$file" "$dest/$file"
  done
fi
cd "$dest"
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "[npm-ci] $dest/node_modules is up to date"
else
  echo "[npm-ci] npm ci in $dest"
  npm ci --no-audit --no-fund --loglevel=error
fi
