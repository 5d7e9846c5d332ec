#!/usr/bin/env bash
# Make `crampwise` runnable from any new terminal: link .venv/bin/crampwise into
# ~/.local/bin (the usual folder for a user's own commands) and, when that folder is not
# on the PATH yet, add it in ~/.bashrc. Run by scripts/setup.sh (not for `setup.sh dev`);
# CRAMPWISE_NO_LINK=1 skips it. Says plainly what it did.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CRAMPWISE_NO_LINK:-}" = 1 ]; then
  exit 0
fi
TARGET="$PWD/.venv/bin/crampwise"
BIN="$HOME/.local/bin"
LINK="$BIN/crampwise"
MARK="# added by crampwise (scripts/link.sh): your own commands in ~/.local/bin"

if [ -e "$LINK" ] && [ ! -L "$LINK" ]; then
  echo "crampwise: $LINK already exists and is not a link made by crampwise; left it alone."
  echo "  Run crampwise as $TARGET (or 'source .venv/bin/activate')."
  exit 0
fi
mkdir -p "$BIN"
ln -sfn "$TARGET" "$LINK"
echo "crampwise: linked $LINK -> $TARGET (it follows this folder: move or delete it and the link breaks)."

case ":$PATH:" in
  *":$BIN:"*) ;;
  *)
    if ! grep -qsF "$MARK" "$HOME/.bashrc"; then
      {
        echo ""
        echo "$MARK"
        echo 'case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) export PATH="$HOME/.local/bin:$PATH" ;; esac'
      } >>"$HOME/.bashrc"
      echo "crampwise: added ~/.local/bin to your PATH in ~/.bashrc; new terminals will find"
      echo "  'crampwise'. In this terminal, run: export PATH=\"\$HOME/.local/bin:\$PATH\""
    fi
    ;;
esac
