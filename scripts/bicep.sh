#!/usr/bin/env bash
# Prints the path of a Bicep CLI binary, restoring the pinned Azure.Bicep.CommandLine NuGet package into a
# cache folder first when it is not there yet. Nothing is installed globally: a throw-away project is
# restored with `dotnet restore --packages <cache>`, and the binary is used from inside the package.
#
#   scripts/bicep.sh            restore if needed, print the binary's path on stdout
#   BICEP_PATH=$(scripts/bicep.sh) && "$BICEP_PATH" build infra/main.bicep --stdout
#
# Environment: BICEP_VERSION (default below), BICEP_CACHE (default ~/.cache/backup-pulse/bicep).
# Exit 1 with a one-line reason on stderr when no binary can be had (no .NET SDK, no NuGet, other OS).
set -euo pipefail

version="${BICEP_VERSION:-0.49.2}"
cache="${BICEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/backup-pulse/bicep}"

fail() {
  echo "scripts/bicep.sh: $*" >&2
  exit 1
}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid="linux-x64" ;;
  *) fail "no Bicep CLI package for $(uname -s) $(uname -m); only linux-x64 is wired up here" ;;
esac

package="azure.bicep.commandline.${rid}"
dir="$cache/packages/$package/$version"
binary="$dir/tools/bicep"

# Warm cache: NuGet writes .nupkg.metadata last, after the package is fully extracted.
if [ -x "$binary" ] && [ -f "$dir/.nupkg.metadata" ]; then
  echo "$binary"
  exit 0
fi

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is needed to restore the Bicep CLI from NuGet"
mkdir -p "$cache"

restore() {
  # Re-check under the lock: another process may have restored it meanwhile.
  if [ -x "$binary" ] && [ -f "$dir/.nupkg.metadata" ]; then return 0; fi
  local sdk work
  sdk="$(dotnet --version 2>/dev/null)" || fail "dotnet --version failed"
  work="$(mktemp -d)"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" RETURN
  cat >"$work/restore-bicep.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net${sdk%%.*}.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.${rid}" Version="[${version}]" />
  </ItemGroup>
</Project>
EOF
  echo "scripts/bicep.sh: restoring Azure.Bicep.CommandLine.${rid} ${version} into ${cache}" >&2
  if ! DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
    dotnet restore "$work/restore-bicep.csproj" --packages "$cache/packages" >"$work/restore.log" 2>&1; then
    sed 's/^/  /' "$work/restore.log" >&2
    fail "dotnet restore of Azure.Bicep.CommandLine.${rid} ${version} failed"
  fi
  [ -f "$binary" ] || fail "the package was restored but holds no tools/bicep"
  chmod u+x "$binary"
}

if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache/.lock"
  flock 9
fi
restore
echo "$binary"
