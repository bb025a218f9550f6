#!/bin/sh
# deps.sh [gen|test]: make sure the tools that `make gen` and `make test` need exist.
#
# `make gen` (mode gen) needs only $LUA (default lua5.4).  `make test` (mode
# test) also needs luajit (determinism test), pkg-config, Check
# (`pkg-config --exists check`) and a C compiler ($CC, default cc).  Optional
# and only reported: lua5.1, clang, shellcheck.
#
# `deps.sh test` also tries, as root, the packages that widen `make test`:
# clang (a second compiler), lua5.1 (a third interpreter for the determinism
# test), gcc-aarch64-linux-gnu and qemu-user (the NEON suites, cross-compiled
# and run under emulation), lua-check (luacheck over gen/ and tests/lua in
# stage a), python3-torch, python3-torchvision and python3-onnx (the ONNX
# models of stage e2, make test-import, for /usr/bin/python3: a pyenv or venv
# python3 on PATH does not see them), gcc-arm-none-eabi, libnewlib-arm-none-eabi
# and qemu-system-arm (stage h, the scalar suites on emulated Cortex-M4F and
# M7).  Their absence only skips those parts,
# each with a printed reason, so a failed install of them is not an error.
#
# When something is missing and we run as root, `apt-get update` runs once and
# the Debian packages are installed non-interactively.  Otherwise the exact
# apt-get command is printed and the exit status is 2.  When everything is
# present this is a handful of `command -v` calls and no apt.
set -u

LUA=${LUA:-lua5.4}
CC=${CC:-cc}

pkgs=""
why=""
add() {
    case " $pkgs " in
        *" $1 "*) ;;
        *) pkgs="${pkgs:+$pkgs }$1" ;;
    esac
    why="${why}  - $2 (Debian package $1)
"
}
have() { command -v "$1" >/dev/null 2>&1; }
# py_has MODULE: /usr/bin/python3 finds MODULE (found, not imported: fast)
py_has() {
    [ -x /usr/bin/python3 ] &&
        /usr/bin/python3 -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec(sys.argv[1]) is None)' \
            "$1" >/dev/null 2>&1
}

# The Debian package that provides a Lua interpreter command.
lua_package() {
    case "$(basename -- "$1")" in
        lua5.1 | lua5.2 | lua5.3 | lua5.4 | luajit) basename -- "$1" ;;
        lua) echo lua5.4 ;;
        *) echo "" ;;
    esac
}

scan() {
    pkgs=""
    why=""
    if ! have "$LUA"; then
        p=$(lua_package "$LUA")
        if [ -z "$p" ]; then
            echo "deps: LUA=$LUA is not installed and no Debian package is known for it;" >&2
            echo "deps: install it yourself or use LUA=lua5.4 (or lua5.1, luajit)" >&2
            exit 2
        fi
        add "$p" "$LUA (the Lua interpreter that runs the generator)"
    fi
    # generating needs only Lua; the rest is for make test
    [ "$mode" = test ] || return 0
    have luajit || add luajit "luajit (the determinism test compares its output with lua5.4's)"
    have pkg-config || add pkg-config "pkg-config"
    if ! have pkg-config || ! pkg-config --exists check; then
        add check "the Check unit test library (pkg-config check)"
    fi
    if ! have "$CC"; then
        case "$(basename -- "$CC")" in
            cc | gcc) add gcc "a C compiler ($CC)" ;;
            clang) add clang "a C compiler ($CC)" ;;
            *)
                echo "deps: CC=$CC is not installed and no Debian package is known for it" >&2
                exit 2
                ;;
        esac
    fi
}

mode=${1:-gen}

# Optional packages for `make test`: installed best-effort when root.  The
# Python ones (large, and not built for every architecture) go in an apt-get
# call of their own, and so do the Cortex-M ones, so that the absence of
# one group costs none of the others.
optional() {
    [ "$mode" = test ] || return 0
    opt=""
    have clang || opt="$opt clang"
    have lua5.1 || opt="$opt lua5.1"
    have aarch64-linux-gnu-gcc || opt="$opt gcc-aarch64-linux-gnu"
    have qemu-aarch64 || opt="$opt qemu-user"
    have luacheck || opt="$opt lua-check"
    py=""
    py_has torch || py="$py python3-torch"
    py_has torchvision || py="$py python3-torchvision"
    py_has onnx || py="$py python3-onnx"
    mcu=""
    have arm-none-eabi-gcc || mcu="$mcu gcc-arm-none-eabi"
    if ! have arm-none-eabi-gcc || [ "$(arm-none-eabi-gcc -mthumb -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 \
        -mfloat-abi=hard -print-file-name=libc.a)" = libc.a ]; then
        mcu="$mcu libnewlib-arm-none-eabi"
    fi
    have qemu-system-arm || mcu="$mcu qemu-system-arm"
    [ -n "$opt$py$mcu" ] || return 0
    if [ "$(id -u)" != 0 ] || ! have apt-get; then
        echo "deps: optional for make test (their parts are skipped without them):$opt$py$mcu"
        echo "deps: install with: sudo apt-get install -y$opt$py$mcu"
        return 0
    fi
    updated=""
    for list in "$opt" "$py" "$mcu"; do
        [ -n "$list" ] || continue
        echo "deps: installing optional packages for make test:$list"
        # shellcheck disable=SC2086  # a list of package names
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y $list </dev/null; then
            if [ -z "$updated" ]; then
                apt-get update </dev/null || true
                updated=1
            fi
            # shellcheck disable=SC2086
            DEBIAN_FRONTEND=noninteractive apt-get install -y $list </dev/null ||
                echo "deps: could not install:$list (their tests will be skipped)"
        fi
    done
}

scan
if [ -z "$pkgs" ]; then
    optional
    exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $pkgs"
echo "deps: missing:"
printf '%s' "$why"
if [ "$(id -u)" != 0 ]; then
    echo "deps: not root; install them with:" >&2
    echo "    sudo sh -c '$cmd'" >&2
    exit 2
fi
if ! have apt-get; then
    echo "deps: apt-get not found; install the packages above with your package manager" >&2
    exit 2
fi

echo "deps: running as root: $cmd"
export DEBIAN_FRONTEND=noninteractive
ok=0
for attempt in 1 2; do
    if apt-get update </dev/null; then
        ok=1
        break
    fi
    echo "deps: apt-get update failed (attempt $attempt)" >&2
    sleep 5
done
[ "$ok" = 1 ] || { echo "deps: apt-get update failed" >&2; exit 2; }
# shellcheck disable=SC2086  # $pkgs is a space-separated list of names
apt-get install -y $pkgs </dev/null || {
    echo "deps: apt-get install failed" >&2
    exit 2
}

scan
if [ -n "$pkgs" ]; then
    echo "deps: still missing after install:" >&2
    printf '%s' "$why" >&2
    exit 2
fi
optional
echo "deps: ok"
