#!/bin/sh
# Container entry point: completes /etc/postern with the image's defaults, then replaces
# itself with bin/postern (which execs the JVM), so the JVM is PID 1 and receives SIGTERM.
#   docker run IMAGE                 -> postern run --conf /etc/postern --var /var/lib/postern
#   docker run IMAGE check|postconf -n|version ...  -> that subcommand, same folders
#   docker run IMAGE sh              -> any other command is run as given
set -eu
case "${1:-run}" in
    run|check|health|postconf|postmap|queue|flush|super|reload|user|domain|version) ;;
    *) exec "$@" ;;
esac
conf=/etc/postern
var=/var/lib/postern
defaults=/opt/postern/conf-defaults

# A folder mounted on /etc/postern may hold only the files the operator changes: each default
# file it lacks is copied in (a file that is there is never replaced). A read-only folder must
# be complete; mount single files over the defaults instead (-v ./main.cf:/etc/postern/main.cf:ro).
missing=""
for file in "$defaults"/*; do
    name=${file##*/}
    [ -e "$conf/$name" ] && continue
    if cp "$file" "$conf/$name" 2>/dev/null; then
        echo "postern: $conf/$name was missing; the image's default was copied there" >&2
    else
        missing="$missing $name"
    fi
done
if [ -n "$missing" ]; then
    echo "postern: fatal: $conf lacks${missing} and cannot be written by $(id -un) (uid $(id -u)): mount a complete folder, a writable one, or single files over the image's defaults" >&2
    exit 1
fi

subcommand=${1:-run}
[ $# -eq 0 ] || shift
exec /opt/postern/bin/postern "$subcommand" --conf "$conf" --var "$var" "$@"
