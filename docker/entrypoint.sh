#!/bin/sh
# The image's entry point. Remote JMX (the health check's way in) needs a password file: when the image's JMX port
# is on and no password file is given, this container gets its own, random and readable by its user only, which
# the HEALTHCHECK reads. Then it runs cdc-runner with the container's arguments.
set -eu
if [ "${CDC_JMX_REMOTE_PORT:-0}" != 0 ] && [ -z "${CDC_JMX_REMOTE_PASSWORD_FILE:-}" ]; then
  passwords=/var/lib/cdc-runner/jmx.password
  if [ ! -s "$passwords" ]; then
    umask 077
    printf 'health %s\n' "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" > "$passwords"
  fi
  export CDC_JMX_REMOTE_PASSWORD_FILE="$passwords"
fi
# The Compose demo's writer is not part of the daemon: it runs from the demo jar.
if [ "${1:-}" = demo-writer ]; then
  exec java -jar /opt/cdc-runner-demo/cdc-runner-demo.jar "$@"
fi
exec cdc-runner "$@"
