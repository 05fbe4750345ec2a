#!/usr/bin/env bash
# make dist: package a release winnow built with --static-swift-stdlib so that it runs on a
# machine with nothing installed (a Spark worker): the binary, and beside it in lib/ every
# shared library it needs that is not glibc's (ICU, libxml2, zlib, liblzma, libstdc++, …),
# found through its RPATH $ORIGIN/lib (an RPATH, not a RUNPATH, so that the libraries' own
# dependencies, such as libxml2's liblzma, are looked for there too). Writes DIR/ and DIR.tar.gz.
#   scripts/dist.sh BINARY DIR
set -euo pipefail
binary=$1 dir=$2
rm -rf "$dir" "$dir.tar.gz"
mkdir -p "$dir/lib"
cp "$binary" "$dir/winnow"
strip "$dir/winnow"  # symbols only (95 MB → 65 MB)
# glibc and the kernel's: present on every Linux machine, and tied to it.
system='^(linux-vdso|ld-linux|libc\.so|libm\.so|libpthread\.so|libdl\.so|librt\.so|libresolv\.so|libutil\.so)'
ldd "$binary" | awk '$3 ~ /^\// {print $1, $3}' | while read -r name path; do
  if [[ $name =~ $system ]]; then continue; fi
  cp -L "$path" "$dir/lib/$name"
done
# Libraries can need others (ICU's libicuuc needs libicudata): copy theirs too.
for lib in "$dir"/lib/*; do
  ldd "$lib" | awk '$3 ~ /^\// {print $1, $3}' | while read -r name path; do
    if [[ $name =~ $system ]] || [ -e "$dir/lib/$name" ]; then continue; fi
    cp -L "$path" "$dir/lib/$name"
  done
done
# Every library must now resolve from lib/ (the RUNPATH), none from the system.
if ldd "$dir/winnow" | grep -E 'not found'; then echo "dist: unresolved libraries" >&2; exit 1; fi
# $ORIGIN is the binary's real path (through /proc/self/exe): compare with the physical one.
outside=$(ldd "$dir/winnow" | awk '$3 ~ /^\// {print $1, $3}' | grep -vE "$system" | grep -v " $(cd "$dir" && pwd -P)/lib/" || true)
if [ -n "$outside" ]; then echo "dist: still loaded from the system: $outside" >&2; exit 1; fi
"$dir/winnow" --version > "$dir/VERSION"
tar -C "$(dirname "$dir")" -czf "$dir.tar.gz" "$(basename "$dir")"
echo "dist: $dir ($(du -sh "$dir" | cut -f1); $(ls "$dir/lib" | wc -l) libraries in lib/: $(ls "$dir/lib" | tr '\n' ' ')) and $dir.tar.gz"
