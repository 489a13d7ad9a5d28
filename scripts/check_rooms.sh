#!/usr/bin/env bash
# check_rooms.sh [SRC_DIR]: every #include "room/..." in src/ goes the way docs/architecture.md
# draws the arrows. Prints each include that goes against them (file:line, from -> to) and exits 1
# if there is any, 0 when the tree keeps the map. A venue's folders are rooms of their own
# (venue/messages is the port, venue/sim, venue/kite, venue/kite_sim, venue/bitget its
# implementations and codecs).
set -euo pipefail
src=${1:-$(dirname "$0")/../src}

# room: the rooms it may include besides itself. app (composition) may include every room.
declare -A allowed=(
  [core]=""
  [net]="core"
  [market]="core"
  [portfolio]="core"
  [strategy]="core market"
  [risk]="core market portfolio"
  [venue/messages]="core"
  [oms]="core venue/messages"
  [venue/sim]="core net market venue/messages"
  [venue/adapter]="core venue/messages"
  [venue/kite]="core net venue/messages venue/adapter"
  [venue/bitget]="core net venue/messages venue/adapter"
  [venue/kite_sim]="core net market venue/messages venue/sim venue/kite"
  [venue/bitget_sim]="core net market venue/messages venue/sim venue/bitget"
  [store]="core oms portfolio strategy venue/messages"
  [engine]="core market portfolio strategy risk oms store venue/messages"
  [ha]="core net"
  [runtime]="core market portfolio strategy risk oms store engine venue/messages venue/sim"
  [ops]="core net market portfolio strategy risk oms store engine venue/messages"
  [report]="core store"
)

room_of() {  # a path under src/ -> its room
  local p=$1 top=${1%%/*}
  if [ "$top" = venue ]; then
    local rest=${p#venue/}
    case $rest in
      */*) echo "venue/${rest%%/*}" ;;
      *) echo "venue/${rest%.*}" ;;
    esac
  else
    echo "$top"
  fi
}

bad=0
while IFS= read -r -d '' file; do
  rel=${file#"$src"/}
  from=$(room_of "$rel")
  [ "$from" = app ] && continue
  if [ -z "${allowed[$from]+x}" ]; then
    echo "$rel: room '$from' is not on the map in scripts/check_rooms.sh"
    bad=1
    continue
  fi
  while IFS=: read -r line inc; do
    to=$(room_of "$inc")
    [ "$to" = "$from" ] && continue
    case " ${allowed[$from]} " in
      *" $to "*) ;;
      *)
        echo "$rel:$line: $from -> $to (#include \"$inc\") goes against the room map"
        bad=1
        ;;
    esac
  done < <(grep -noE '^#include "[a-z_]+/[a-z_/]+\.hpp"' "$file" | sed 's/#include "//; s/"$//')
done < <(find "$src" -name '*.hpp' -print0 -o -name '*.cpp' -print0 | sort -z)
exit $bad
