#!/usr/bin/env bash
# Installs what OrleansAttest's tests and demo need on a fresh Debian 12 machine (idempotent, quiet when
# everything is already there). Needs root (or sudo) for apt-get.
set -euo pipefail

packages=(swtpm swtpm-tools tpm2-tools openssl redis-server)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
