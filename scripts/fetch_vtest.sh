#!/bin/sh
# Put OpenCV's street footage vtest.avi (768x576, 10 fps, 79.5 s; OpenCV licence) at
# resources/demo/vtest.avi for the demo clips. It is gitignored: the repo stays small.
# Takes it from an installed opencv-doc, else extracts it from Debian's opencv-doc .deb
# (apt-get download needs no root; only that one file is unpacked). Idempotent.
set -eu

MEMBER=usr/share/doc/opencv-doc/examples/data/vtest.avi
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
DEST="$ROOT/resources/demo/vtest.avi"

if [ -s "$DEST" ]; then
    echo "vtest.avi already present: $DEST"
    exit 0
fi
mkdir -p "$(dirname "$DEST")"

if [ -s "/$MEMBER" ]; then
    cp "/$MEMBER" "$DEST.part"
else
    command -v apt-get >/dev/null 2>&1 || { echo "apt-get not found: copy vtest.avi to $DEST by hand" >&2; exit 1; }
    TMP=$(mktemp -d)
    chmod 755 "$TMP"  # apt drops to user _apt for downloads
    trap 'rm -rf "$TMP"' EXIT
    (cd "$TMP" && apt-get download opencv-doc >/dev/null)
    DEB=$(ls "$TMP"/opencv-doc_*.deb)
    dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$TMP" "./$MEMBER"
    cp "$TMP/$MEMBER" "$DEST.part"
fi
mv "$DEST.part" "$DEST"  # rename last: a half-copied file is never taken for the real one
echo "vtest.avi written: $DEST ($(wc -c <"$DEST") bytes)"
