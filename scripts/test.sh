#!/usr/bin/env bash
# The full test suite from a fresh clone: installs the real servers the tests run against (Debian packages), the npm
# dependencies, builds, lints, type-checks the tests, then runs every test. Never skips: a missing tool fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

# binary:debian-package for every real server or tool a test starts (the fault tests also mount file systems: root)
required=(mosquitto:mosquitto openssl:openssl influxd:influxdb victoria-metrics:victoria-metrics prometheus-alertmanager:prometheus-alertmanager socat:socat chromium:chromium mkfs.ext4:e2fsprogs fsfreeze:util-linux
  # an S3-protocol server for the S3 photo store (issue #21): OpenStack Swift all-in-one, its proxy's s3api
  swift-proxy-server:swift-proxy swift-account-server:swift-account swift-container-server:swift-container swift-object-server:swift-object swift-ring-builder:swift)
# python-module:debian-package for servers written in Python (an independent Modbus slave: issue #24; an SMTP server: issue #22)
required_python=(pymodbus:python3-pymodbus serial:python3-serial serial_asyncio:python3-serial-asyncio aiosmtpd:python3-aiosmtpd)
has_python_module() { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import $1" >/dev/null 2>&1; }
missing=()
for pair in "${required[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
for pair in "${required_python[@]}"; do
  has_python_module "${pair%%:*}" || missing+=("${pair##*:}")
done
if ((${#missing[@]} > 0)); then
  echo "test: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
for pair in "${required[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || { echo "test: ${pair%%:*} is still missing after installing ${pair##*:}" >&2; exit 1; }
done
for pair in "${required_python[@]}"; do
  has_python_module "${pair%%:*}" || { echo "test: python module ${pair%%:*} is still missing after installing ${pair##*:}" >&2; exit 1; }
done

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "test: npm ci"
  npm ci --no-audit --no-fund
fi

echo "test: build, lint, type-check tests"
npm run build
npm run lint
npx tsc -p tsconfig.test.json
npx tsc -p dashboards/tsconfig.test.json

echo "test: vitest"
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.vitest-results.json || status=$?
node scripts/test-summary.mjs .vitest-results.json
exit "$status"
