#!/usr/bin/env bash
# Install the Debian packages sohoa needs when they are missing: Tesseract with Vietnamese data
# (and English, which reads the letter-and-digit code under a land certificate's QR block),
# and fonts with Vietnamese glyphs for the sample-scan generator; with --browser also Chromium
# for the portal's browser tests (Playwright drives Debian's build; nothing is downloaded).
# Uses apt-get (as root, or through sudo without a password); otherwise says what to run.
set -euo pipefail

packages=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng fonts-noto-core fonts-dejavu-core fonts-liberation2
          fonts-freefont-ttf)
[ "${1:-}" = "--browser" ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Cài gói hệ thống còn thiếu / installing missing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo_cmd=(sudo -n)
else
  echo "Không có quyền cài gói. Hãy chạy / No permission to install packages. Please run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Không có apt-get / apt-get not found: install these packages by hand: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
tesseract --list-langs 2>/dev/null | grep -qx vie || {
  echo "Đã cài nhưng chưa thấy dữ liệu tiếng Việt / installed, but Tesseract has no 'vie' data" >&2
  exit 1
}
