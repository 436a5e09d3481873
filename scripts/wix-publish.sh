#!/usr/bin/env bash
# npm run wix:publish — build, validate, then publish dist/wix-site to the Wix site in wix.config.json.
# Needs network and a logged-in Wix CLI. Never run by the tests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SITE="$ROOT/dist/wix-site"
cd "$ROOT"

npm run --silent build
npm run --silent wix:check

if [ -x "$ROOT/node_modules/.bin/wix" ]; then
  # The binary `npx --no-install wix` would run from the repo root; called by path because the
  # commands below run inside dist/wix-site, which has its own package.json.
  WIX=("$ROOT/node_modules/.bin/wix")
elif command -v wix >/dev/null 2>&1; then
  WIX=(wix)
else
  cat >&2 <<'MSG'
wix:publish: the Wix CLI is not installed.
  Install it:   npm install -g @wix/cli        (or: npm install --save-dev @wix/cli)
  Log in:       wix login --api-key <key>
                The API key (Wix API Keys Manager) needs the "Wix CLI - Git Integration" permission.
  Then run:     npm run wix:publish
MSG
  exit 1
fi

cd "$SITE"
# Wix installs npm packages from package.json "dependencies" as resolved into wix.lock; `wix install`
# (re)creates wix.lock for the emitted dependencies.
if [ "$(node -e 'const d=require("./package.json").dependencies||{};process.stdout.write(String(Object.keys(d).length))')" != "0" ]; then
  "${WIX[@]}" install
fi
"${WIX[@]}" publish --source local -y
