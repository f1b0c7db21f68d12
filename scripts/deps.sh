#!/usr/bin/env bash
# Install every Debian package the build, tests and demo need: the union of
# scripts/deps.d/*.txt (one package per line, # comments). Idempotent and
# non-interactive; skips apt entirely when everything is already installed.
set -euo pipefail
cd "$(dirname "$0")"
mapfile -t pkgs < <(cat deps.d/*.txt | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
