#!/usr/bin/env bash
# Builds the small offline test image `symbi-test-busybox:latest` from Debian's
# busybox-static package: no registry is reachable on CI, so nothing can be pulled.
# The image has /bin/sh and every busybox applet, a writable-by-tmpfs /tmp, /workspace,
# and a non-root user `symbi` (uid 1000) that Tier1/Tier2 containers run as.
set -euo pipefail

IMAGE="${1:-symbi-test-busybox:latest}"
BUSYBOX="${BUSYBOX:-/bin/busybox}"

if [ -z "${FORCE:-}" ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "$IMAGE is present (FORCE=1 rebuilds it)"
    exit 0
fi

if [ ! -x "$BUSYBOX" ]; then
    echo "busybox not found at $BUSYBOX: apt-get install -y busybox-static" >&2
    exit 1
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,tmp,workspace,etc,home/symbi,proc,sys,dev}
chmod 1777 "$root/tmp"
cp "$BUSYBOX" "$root/bin/busybox"
# One symlink per applet, in the directory busybox itself lists it under.
for applet in $("$BUSYBOX" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
symbi:x:1000:1000:symbi:/home/symbi:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$root/etc/group" <<'GROUP'
root:x:0:
symbi:x:1000:
nogroup:x:65534:
GROUP
chown -R 1000:1000 "$root/home/symbi" "$root/workspace"

tar -C "$root" --numeric-owner -cf - . | docker import \
    --change 'USER symbi' \
    --change 'WORKDIR /home/symbi' \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' \
    --change 'CMD ["/bin/sh"]' \
    - "$IMAGE" >/dev/null
echo "built $IMAGE"
