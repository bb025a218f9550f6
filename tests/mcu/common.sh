# shellcheck shell=sh
# tests/mcu/common.sh: what tests/mcu/run.sh (make test-mcu) and
# bench/mcu/run.sh (make bench-mcu) share; sourced, POSIX sh.
#
#   mcu_missing LUA   prints why the emulated runs cannot happen on this
#                     machine (a missing package, a qemu without the MPS2
#                     machines, no LUA), nothing when they can
#   mcu_board B       sets machine, ld (linker script in tests/mcu/) and
#                     cpu (the -mcpu/-mfpu flags) of board m4 or m7;
#                     returns 1 for another name
#   mcu_qemu MACHINE ELF TIMEOUT
#                     runs the image with semihosting and -icount shift=0
#                     (1 instruction = 1 ns of virtual time); its exit
#                     status is the program's, 124 on timeout

mcu_have() { command -v "$1" >/dev/null 2>&1; }

mcu_missing() {
    _pkgs="gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"
    _hint="as root: apt-get install $_pkgs"
    if ! mcu_have arm-none-eabi-gcc; then
        echo "arm-none-eabi-gcc not found: Debian package gcc-arm-none-eabi; $_hint"
        return
    fi
    if ! mcu_have qemu-system-arm; then
        echo "qemu-system-arm not found: Debian package qemu-system-arm; $_hint"
        return
    fi
    for _f in libc.a nosys.specs; do
        _p=$(arm-none-eabi-gcc -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb -print-file-name="$_f")
        if [ "$_p" = "$_f" ]; then
            echo "newlib's $_f for arm-none-eabi not found: Debian package libnewlib-arm-none-eabi; $_hint"
            return
        fi
    done
    _machines=$(qemu-system-arm -M help 2>/dev/null)
    for _m in mps2-an386 mps2-an500; do
        case $_machines in
            *"$_m "*) ;;
            *)
                echo "this qemu-system-arm has no machine $_m (QEMU 6.0 or later has it)"
                return
                ;;
        esac
    done
    mcu_have "$1" || echo "$1 not found (make deps installs it)"
}

# shellcheck disable=SC2034 # machine, ld and cpu are the caller's
mcu_board() {
    case $1 in
        m4) machine=mps2-an386 ld=an386.ld cpu="-mcpu=cortex-m4 -mfpu=fpv4-sp-d16" ;;
        m7) machine=mps2-an500 ld=an500.ld cpu="-mcpu=cortex-m7 -mfpu=fpv5-d16" ;;
        *) return 1 ;;
    esac
}

mcu_qemu() {
    timeout "$3" qemu-system-arm -M "$1" -nographic -monitor none \
        -semihosting-config enable=on,target=native -icount shift=0 \
        -kernel "$2" </dev/null
}
