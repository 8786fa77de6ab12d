#!/usr/bin/env bash
# Downloads the packages of packages.txt and reserved-packages.txt into WORK/debs (apt-get download, the versions
# the configured Debian mirror serves now) and unpacks each into WORK/root/PACKAGE with dpkg -x. Nothing is
# installed. Already unpacked packages are skipped, so an interrupted run continues where it stopped.
#
# usage: scripts/corpus/fetch.sh WORK
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:?usage: fetch.sh WORK}
mkdir -p "$work/debs" "$work/root"
work=$(cd "$work" && pwd)

list_packages() { grep -hv -e '^#' -e '^$' "$@"; }
if ! apt-cache show --no-all-versions debian-handbook >/dev/null 2>&1; then
  echo "fetch: apt lists are empty or stale; running apt-get update" >&2
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
fi

missing=()
for package in $(list_packages "$here/packages.txt" "$here/reserved-packages.txt"); do
  [ -f "$work/root/$package/.unpacked" ] && continue
  ls "$work/debs/${package}_"*.deb >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "fetch: downloading ${#missing[@]} packages" >&2
  (cd "$work/debs" && apt-get download -q "${missing[@]}" >/dev/null)
fi

for package in $(list_packages "$here/packages.txt" "$here/reserved-packages.txt"); do
  target="$work/root/$package"
  [ -f "$target/.unpacked" ] && continue
  deb=$(ls "$work/debs/${package}_"*.deb | head -n 1)
  rm -rf "$target" && mkdir -p "$target"
  dpkg -x "$deb" "$target"
  # What the manifest records: binary and source package, version, and the file it came from.
  dpkg-deb -f "$deb" Package Source Version > "$target/.control"
  echo "$(basename "$deb")" > "$target/.unpacked"
done
echo "fetch: $(ls "$work/root" | wc -l) packages unpacked in $work/root" >&2
