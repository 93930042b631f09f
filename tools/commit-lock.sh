#!/usr/bin/env bash
# Regenerate package-lock.json for what HEAD commits (not for work in progress
# in the tree) and stage it. Usage: tools/commit-lock.sh  (then git commit --amend)
set -euo pipefail
top=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
git -C "$top" worktree add -q --detach "$tmp" HEAD
( cd "$tmp" && npm install --package-lock-only --no-audit --no-fund >/dev/null && npm ci --dry-run >/dev/null )
blob=$(git -C "$top" hash-object -w "$tmp/package-lock.json")
git -C "$top" update-index --cacheinfo "100644,$blob,package-lock.json"
git -C "$top" worktree remove --force "$tmp"
echo "staged package-lock.json for HEAD's workspaces"
