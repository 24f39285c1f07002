#!/bin/sh
# Mosquitto for the compose stack, with the password and ACL files the gateway writes from its MQTT credentials
# (docs/security.md, "External broker"): device credentials issued, rotated or revoked through the gateway's API
# reach this broker within a few seconds, and nothing here is edited by hand.
#
# The gateway writes passwd and acl into AUTH_DIR (a volume it shares with this container). This script copies them
# into LIVE_DIR, owned by the user Mosquitto runs as (the gateway's files belong to the gateway's user), and tells
# Mosquitto to reload them (SIGHUP) whenever they change, checked every EVERY_S seconds. No signal crosses
# containers. Until the gateway's first write both files are empty: nobody may connect, the gateway included, and
# the gateway retries its first connection until the broker has reloaded (COLDTRACE_MQTT_CONNECT_WAIT_S).
# gateway/test/integration/compose-mosquitto.int.test.ts runs this script with a real Mosquitto and a real gateway.
set -eu
AUTH_DIR=${AUTH_DIR:-/mosquitto/auth}
LIVE_DIR=${LIVE_DIR:-/mosquitto/live}
CONF=${CONF:-/mosquitto/config/mosquitto.conf}
OWNER=${OWNER:-mosquitto}
EVERY_S=${EVERY_S:-2}

mkdir -p "$LIVE_DIR"
chown "$OWNER:$OWNER" "$LIVE_DIR"

# What the gateway last wrote, as one line (a file not there yet reads as empty).
stamp() {
  cat "$AUTH_DIR/passwd" "$AUTH_DIR/acl" 2>/dev/null | cksum
}

# Copies both files into LIVE_DIR, each replaced whole by a rename: Mosquitto never reads half a file.
install_files() {
  for f in passwd acl; do
    if [ -f "$AUTH_DIR/$f" ]; then cp "$AUTH_DIR/$f" "$LIVE_DIR/$f.new"; else : > "$LIVE_DIR/$f.new"; fi
    chown "$OWNER:$OWNER" "$LIVE_DIR/$f.new"
    chmod 0600 "$LIVE_DIR/$f.new"
    mv "$LIVE_DIR/$f.new" "$LIVE_DIR/$f"
  done
}

last=$(stamp)
install_files
mosquitto -c "$CONF" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' TERM INT

while kill -0 "$pid" 2>/dev/null; do
  sleep "$EVERY_S" || true
  now=$(stamp)
  if [ "$now" != "$last" ]; then
    last=$now
    install_files
    kill -HUP "$pid" 2>/dev/null || true
    echo "coldtrace: password and ACL files changed: Mosquitto told to reload them"
  fi
done
wait "$pid"
