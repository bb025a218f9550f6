/* mcu.h - what startup.c offers a program besides newlib's system calls:
 * the SysTick count (tests/mcu/README.md, "Instruction counts").
 *
 * SysTick runs on the 25 MHz processor clock of the MPS2 boards, from
 * Reset_Handler on, and startup.c counts the wraps of its 24-bit counter.
 * Under qemu-system-arm -icount shift=0 every instruction takes 1 ns of
 * virtual time, so a tick is MCU_INSNS_PER_TICK instructions. */
#ifndef SEPGEN_MCU_H
#define SEPGEN_MCU_H

#include <stdint.h>

#define MCU_INSNS_PER_TICK 40u

/* SysTick ticks since start-up (monotonic; a read takes about 10
 * instructions). */
uint64_t mcu_ticks(void);

#endif /* SEPGEN_MCU_H */
