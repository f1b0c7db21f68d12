#!/bin/bash
# End-to-end tests of docker's CLI contract for `nook`: unknown flags are
# errors naming the flag (exit 125, nothing created, nothing pulled), docker's
# flags nook lacks are refused by name, options end at the image (the rest is
# the command), unknown verbs exit 1 with suggestions, argument counts as
# docker, --help laid out as docker's, the container/image group aliases, and
# `nook completion bash|zsh|fish`.
# Usage: run.sh /path/to/nook   (as root)
set -uo pipefail
NOOK=${1:?usage: run.sh NOOK_BINARY}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../engine/lib.sh"

# parse_err RC PATH WORD CMD...: CMD exits RC, prints nothing on stdout and
# exactly two lines on stderr: "nook: ..." naming WORD, then docker's
# "See 'nook PATH --help'.".
parse_err() {
    local rc=$1 path=$2 word=$3; shift 3
    local out err got
    out=$("$@" 2> "$T/err"); got=$?
    err=$(cat "$T/err")
    [ "$got" = "$rc" ] || fail "'$*': exit $got, want $rc ($err)"
    [ -z "$out" ] || fail "'$*': printed on stdout: $out"
    [ "$(printf '%s\n' "$err" | wc -l)" = 2 ] || fail "'$*': error is not one line + See: $err"
    [ "$(printf '%s\n' "$err" | head -1 | cut -c1-6)" = "nook: " ] || fail "'$*': $err"
    printf '%s\n' "$err" | head -1 | grep >/dev/null -F -- "$word" || fail "'$*': error does not name '$word': $err"
    [ "$(printf '%s\n' "$err" | tail -1)" = "See 'nook${path:+ $path} --help'." ] ||
        fail "'$*': no See line for '$path': $err"
}
containers() { nook ps -aq | wc -l; }
images() { nook images -q | wc -l; }

# --- unknown flags: exit 125, named, nothing created ------------------------
N0=$(containers); I0=$(images)
parse_err 125 run "unknown flag: --foo" nook run --rm --foo bb:1 echo X
parse_err 125 create "unknown flag: --foo" nook create --foo bb:1 echo X
parse_err 125 run "unknown shorthand flag: 'x' in -x" nook run -x bb:1 true
parse_err 125 run "unknown shorthand flag: 'x' in -ix" nook run -ix bb:1 true
parse_err 125 exec "unknown flag: --foo" nook exec --foo c1 true
parse_err 125 ps "unknown flag: --foo" nook ps --foo
parse_err 125 rm "unknown flag: --foo" nook rm --foo c1
parse_err 125 rm "unknown flag: --foo" nook rm c1 --foo
parse_err 125 images "unknown flag: --foo" nook images --foo
parse_err 125 logs "unknown flag: --foo" nook logs --foo c1
parse_err 125 pull "unknown flag: --foo" nook pull --foo bb:1
parse_err 125 "volume ls" "unknown flag: --foo" nook volume ls --foo
parse_err 125 "container ls" "unknown flag: --foo" nook container ls --foo
parse_err 125 "image ls" "unknown flag: --foo" nook image ls --foo
parse_err 125 "" "unknown flag: --foo" nook --foo ps
parse_err 125 run "flag needs an argument: 'm' in -m" nook run -m
parse_err 125 run "flag needs an argument: --name" nook run --name
ok "unknown flags on every verb: exit 125, one line naming the flag + See line"

# The issue's cases: the flag's value never becomes the image (no pull of 8080:80).
parse_err 125 run "-p, --publish is not supported yet" nook run -d -p 8080:80 bb:1 httpd
parse_err 125 run "-P, --publish-all is not supported yet" nook run -P bb:1 true
for f in --link --gpus --platform --ip --cidfile --health-cmd; do
    parse_err 125 run "$f is not supported yet" nook run "$f" x bb:1 true
done
parse_err 125 run "-a, --attach is not supported yet" nook run -a stdout bb:1 true
parse_err 125 exec "--privileged is not supported yet" nook exec --privileged c1 true
parse_err 125 rm "-l, --link is not supported yet" nook rm -l c1
[ "$(containers)" = "$N0" ] || fail "a refused command created a container"
[ "$(images)" = "$I0" ] || fail "a refused command pulled or made an image"
ok "docker flags nook lacks are refused by name; nothing created or pulled"

# Every docker flag of every verb nook has is implemented or refused by name
# (docker's list: src/cli/nook/docker_flags.cpp, generated from docker's --help).
checked=0
while IFS='|' read -r path flags; do
    help=$(nook $path --help 2>/dev/null) || continue   # a verb nook does not have yet
    for f in $flags; do
        long=${f#*,}; long=${long%=}
        printf '%s\n' "$help" | grep >/dev/null -E -- "(^| )$long( |,|$)" && continue
        # shellcheck disable=SC2086
        out=$(nook $path "$long" x y z 2>&1); rc=$?
        [ "$rc" = 125 ] && printf '%s' "$out" | grep >/dev/null -F -- "$long is not supported yet" ||
            fail "nook $path $long: neither implemented nor refused by name (exit $rc: $out)"
        checked=$((checked + 1))
    done
done < <(sed -n 's/^    {"\([^"]*\)", "\([^"]*\)"},$/\1|\2/p' "$SRC/src/cli/nook/docker_flags.cpp")
[ "$checked" -gt 50 ] || fail "only $checked docker flags checked"
[ "$(containers)" = "$N0" ] || fail "an unsupported flag created a container"
ok "all $checked docker flags nook lacks are refused by name"

# --- options end at the image ----------------------------------------------
[ "$(nook run --rm bb:1 echo --foo)" = "--foo" ] || fail "flags after the image go to the command"
[ "$(nook run --rm bb:1 echo -d --rm -x)" = "-d --rm -x" ] || fail "run's own flags after the image"
[ "$(nook run --rm -h myhost bb:1 hostname)" = "myhost" ] || fail "-h is --hostname for run"
C=$(nook run -d bb:1 sleep 1000) || fail "run -d"
[ "$(nook exec "$C" echo --foo -i)" = "--foo -i" ] || fail "flags after exec's container go to the command"
nook rm -f "$C" > /dev/null
[ "$(containers)" = "$N0" ] || fail "leftover container"
ok "options end at the image (run) and the container (exec); -h is --hostname"

# --- unknown verbs, argument counts ----------------------------------------
out=$(nook rn 2>&1); rc=$?
[ "$rc" = 1 ] || fail "unknown command: exit $rc"
printf '%s\n' "$out" | head -1 | grep >/dev/null -Fx "nook: unknown command: nook rn" || fail "unknown command: $out"
printf '%s\n' "$out" | grep >/dev/null -E "^Did you mean this\? run( |$)" || fail "no suggestion: $out"
printf '%s\n' "$out" | grep >/dev/null -Fx "Run 'nook --help' for more information" || fail "no Run line: $out"
out=$(nook container sart 2>&1); rc=$?
[ "$rc" = 1 ] || fail "unknown container verb: exit $rc"
printf '%s\n' "$out" | grep >/dev/null -F "unknown command: nook container sart" || fail "$out"
printf '%s\n' "$out" | grep >/dev/null -E "^Did you mean this\?.* start" || fail "no suggestion: $out"
out=$(nook zzzzzz 2>&1); rc=$?
[ "$rc" = 1 ] && ! printf '%s' "$out" | grep >/dev/null "Did you mean" || fail "nothing close: $out"
parse_err 1 rm "'nook rm' requires at least 1 argument" nook rm
parse_err 1 run "'nook run' requires at least 1 argument" nook run
parse_err 1 ps "'nook ps' accepts no arguments" nook ps extra
parse_err 1 "volume ls" "'nook volume ls' accepts no arguments" nook volume ls extra
parse_err 125 ps "invalid argument" nook ps -n notanumber
parse_err 125 ps "invalid argument" nook --log-level loud ps
out=$(nook volume); rc=$?
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep >/dev/null "^Usage:  nook volume COMMAND" || fail "nook volume: $rc $out"
ok "unknown verbs exit 1 with suggestions; argument counts exit 1; bad values 125"

# --- --help as docker's -----------------------------------------------------
H=$(nook --help) || fail "--help"
for l in "Usage:  nook [OPTIONS] COMMAND" "Common Commands:" "Management Commands:" "Commands:" \
         "Global Options:"; do
    printf '%s\n' "$H" | grep >/dev/null -Fx "$l" || fail "nook --help lacks '$l'"
done
# Verbs in docker's groups: run under Common, container under Management, rm under Commands.
sec() { printf '%s\n' "$H" | awk -v s="$1" '$0 == s { on = 1; next } /^$/ { on = 0 } on { print $1 }'; }
sec "Common Commands:" | grep >/dev/null -x run || fail "run not a common command"
sec "Management Commands:" | grep >/dev/null -x container || fail "container not a management command"
sec "Commands:" | grep >/dev/null -x rm || fail "rm not under Commands"
H=$(nook run --help) || fail "run --help"
printf '%s\n' "$H" | grep >/dev/null -Fx "Usage:  nook run [OPTIONS] IMAGE [COMMAND] [ARG...]" || fail "run usage: $H"
printf '%s\n' "$H" | grep >/dev/null -Fx "  nook container run, nook run" || fail "run aliases: $H"
printf '%s\n' "$H" | grep >/dev/null -E '^  -d, --detach +Run' || fail "run --help -d: $H"
printf '%s\n' "$H" | grep >/dev/null -E '^      --name string +Assign' || fail "run --help --name type: $H"
printf '%s\n' "$H" | grep >/dev/null -E '^  -e, --env list ' || fail "run --help -e list: $H"
printf '%s\n' "$H" | grep >/dev/null -F '(default "ctrl-p,ctrl-q")' || fail "run --help default: $H"
H=$(nook rm --help) || fail "rm --help"
printf '%s\n' "$H" | grep >/dev/null -Fx "Usage:  nook rm [OPTIONS] CONTAINER [CONTAINER...]" || fail "rm usage: $H"
H=$(nook image ls --help) || fail "image ls --help"
printf '%s\n' "$H" | grep >/dev/null -F "nook image ls, " || fail "image ls aliases: $H"
[ "$(nook help run)" = "$(nook run --help)" ] || fail "nook help run is not run --help"
printf '%s\n' "$(nook --help)" | grep >/dev/null -E '^      --log-level string ' || fail "--log-level type"
ok "--help: usage line, aliases, typed options with defaults, grouped commands"

# --- container/image group aliases ------------------------------------------
C=$(nook container run -d --name grp bb:1 sleep 1000) || fail "container run"
for v in "container ls" "container list" "container ps" ps; do
    nook $v -q | grep >/dev/null "${C:0:12}" || fail "nook $v does not list it"
done
[ "$(nook container inspect -f '{{.Name}}' grp)" = /grp ] || fail "container inspect"
[ "$(nook container exec grp echo hi)" = hi ] || fail "container exec"
nook container logs grp > /dev/null || fail "container logs"
nook container stop -t 0 grp > /dev/null || fail "container stop"
nook container rm grp > /dev/null || fail "container rm"
for v in "image ls" "image list" images; do
    nook $v | grep >/dev/null '^bb ' || fail "nook $v does not list bb"
done
nook image tag bb:1 bb:alias && nook image inspect bb:alias > /dev/null || fail "image tag/inspect"
nook image history bb:1 > /dev/null || fail "image history"
nook image rm bb:alias > /dev/null || fail "image rm"
[ "$(containers)" = "$N0" ] || fail "leftover container"
ok "container/image group aliases"

# --- completion -------------------------------------------------------------
nook completion bash > "$T/nook.bash" || fail "completion bash"
bash -c "source '$T/nook.bash' && complete -p nook" | grep >/dev/null -- "-F _nook nook" ||
    fail "bash completion does not load"
complete_words() {  # WORDS...: what bash offers for the last word
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _nook; echo "${COMPREPLY[*]}"' \
        _ "$T/nook.bash" "$@"
}
[ "$(complete_words nook ru)" = run ] || fail "nook ru<TAB>: '$(complete_words nook ru)'"
[ "$(complete_words nook container ins)" = inspect ] || fail "nook container ins<TAB>"
[ "$(complete_words nook --root /x run --deta)" = "--detach --detach-keys" ] ||
    fail "nook run --deta<TAB>: '$(complete_words nook --root /x run --deta)'"
[ "$(complete_words nook volume l)" = "ls list" ] || fail "nook volume l<TAB>"
nook completion zsh > "$T/nook.zsh" || fail "completion zsh"
nook completion fish > "$T/nook.fish" || fail "completion fish"
if command -v zsh > /dev/null; then
    zsh -c "autoload -U compinit && compinit -u; source '$T/nook.zsh'" || fail "zsh completion does not load"
else
    bash -n "$T/nook.zsh" || fail "zsh completion syntax"
fi
if command -v fish > /dev/null; then
    fish -n "$T/nook.fish" || fail "fish completion syntax"
    out=$(fish -c "source '$T/nook.fish'; complete -C'nook ru'") || fail "fish completion does not load"
    printf '%s\n' "$out" | grep >/dev/null "^run" || fail "fish: nook ru<TAB>: $out"
fi
parse_err 125 completion "invalid argument" nook completion tcsh
ok "completion: bash loads and completes; zsh and fish load"

echo "all $PASS engine-cli checks passed"
