/* startup.c - sepgen's bare-metal harness for the emulated MPS2 boards
 * (qemu-system-arm -M mps2-an386: Cortex-M4F, -M mps2-an500: Cortex-M7).
 *
 * It provides what newlib's C library needs to run a generated Check test
 * on a Cortex-M with nothing else underneath:
 *
 *   - the vector table (initial stack pointer and reset handler, every
 *     fault handler reporting its name and the faulting PC),
 *   - the reset handler: copies .data from its load address, zeroes .bss,
 *     enables the FPU (CPACR: CP10 and CP11 full access), then runs main()
 *     and exit() with its status,
 *   - the system calls newlib's stdio and malloc use, on Arm semihosting:
 *     _write goes out through SYS_WRITE0 (stdout and stderr alike), _sbrk
 *     hands out the heap region of the linker script (and reports when it is
 *     exhausted), _exit reports the status through SYS_EXIT_EXTENDED so that
 *     qemu-system-arm exits with it.
 *
 * Everything else newlib may call (_read, _close, _lseek, ...) comes from
 * libnosys (--specs=nosys.specs), whose stubs fail with ENOSYS.
 *
 * Written for sepgen; the semihosting operation numbers and the exception
 * reason codes are those of Arm's "Semihosting for AArch32 and AArch64". */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mcu.h"

/* Semihosting operations and reason codes. */
#define SH_SYS_WRITEC        0x03
#define SH_SYS_WRITE0        0x04
#define SH_SYS_EXIT          0x18
#define SH_SYS_EXIT_EXTENDED 0x20
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define SH_ADP_STOPPED_RUNTIME_ERROR    0x20023u

/* The status _sbrk's caller sees when the heap is exhausted (also printed):
 * tests/mcu/run.sh tells "does not fit the board" from a failed test by it. */
#define MCU_EXIT_NO_HEAP 86

static uintptr_t semihost(uintptr_t op, const void *arg)
{
    register uintptr_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void sh_puts(const char *s) { (void)semihost(SH_SYS_WRITE0, s); }

static void sh_puthex(uint32_t v)
{
    char buf[11];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 8; ++i) buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xfu];
    buf[10] = '\0';
    sh_puts(buf);
}

static void sh_putdec(uint64_t v)
{
    char buf[21];
    int i = 20;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0);
    sh_puts(&buf[i]);
}

void _exit(int status) __attribute__((noreturn));
void _exit(int status)
{
    uint32_t block[2];
    block[0] = SH_ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)status;
    (void)semihost(SH_SYS_EXIT_EXTENDED, block);
    /* A host without the extended call: plain SYS_EXIT (status 0 or 1). */
    (void)semihost(SH_SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? SH_ADP_STOPPED_APPLICATION_EXIT
                                                                      : SH_ADP_STOPPED_RUNTIME_ERROR));
    for (;;) {
    }
}

/* stdout and stderr both go to the semihosting console, in chunks of a
 * NUL-terminated buffer (SYS_WRITE0: one trap per chunk, not per char). */
int _write(int fd, const char *p, int n);
int _write(int fd, const char *p, int n)
{
    char buf[129];
    int done = 0;
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    while (done < n) {
        int k = 0;
        while (k < 128 && done < n) {
            char c = p[done++];
            if (c == '\0') {
                (void)semihost(SH_SYS_WRITEC, &c);
                continue;
            }
            buf[k++] = c;
        }
        buf[k] = '\0';
        sh_puts(buf);
    }
    return n;
}

int _isatty(int fd);
int _isatty(int fd) { return fd >= 0 && fd <= 2; }

int _fstat(int fd, struct stat *st);
int _fstat(int fd, struct stat *st)
{
    if (fd < 0 || fd > 2) {
        errno = EBADF;
        return -1;
    }
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR;
    return 0;
}

/* The heap is the linker script's [__heap_start, __heap_end). */
extern char __heap_start[], __heap_end[];
static char *heap_top = __heap_start;
static uint32_t heap_peak;

void *_sbrk(ptrdiff_t incr);
void *_sbrk(ptrdiff_t incr)
{
    char *prev = heap_top;
    if (incr > __heap_end - heap_top || incr < __heap_start - heap_top) {
        sh_puts("\nsepgen-mcu: heap exhausted (");
        sh_puthex((uint32_t)(__heap_end - __heap_start));
        sh_puts(" bytes): the test does not fit this board\n");
        _exit(MCU_EXIT_NO_HEAP);
    }
    heap_top += incr;
    if ((uint32_t)(heap_top - __heap_start) > heap_peak) heap_peak = (uint32_t)(heap_top - __heap_start);
    return prev;
}

/* SysTick on the processor clock counts the run's cycles of qemu's virtual
 * clock: a wrap of its 24-bit counter is an interrupt that adds 2^24.  Under
 * qemu -icount shift=0 one instruction takes 1 ns of virtual time, and the
 * MPS2 processor clock is 25 MHz, so one tick is 40 instructions (run.sh
 * multiplies): a whole-test count, good to 40 instructions plus the few
 * of each wrap's interrupt (one per 671 million). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
static volatile uint32_t systick_wraps;

static void systick_handler(void) { systick_wraps++; }

/* The ticks since start-up (mcu.h): the wraps and the counter read until
 * no wrap came between the two reads. */
uint64_t mcu_ticks(void)
{
    uint32_t w1, w2, cv;
    do {
        w1 = systick_wraps;
        cv = SYST_CVR;
        w2 = systick_wraps;
    } while (w1 != w2);
    return ((uint64_t)w1 << 24) + (0xffffffu - cv);
}

/* Printed at exit, for run.sh's log: how much of the heap the test took,
 * and the SysTick count. */
static void report_at_exit(void)
{
    const uint64_t ticks = mcu_ticks();
    sh_puts("sepgen-mcu: heap peak ");
    sh_putdec(heap_peak);
    sh_puts(" bytes\nsepgen-mcu: systick ");
    sh_putdec(ticks);
    sh_puts(" ticks\n");
}

/* _init and _fini: called by newlib's __libc_init_array and
 * __libc_fini_array; gcc's crti.o/crtn.o, which define them, are not
 * linked (-nostartfiles) and nothing here needs them. */
void _init(void);
void _init(void) {}
void _fini(void);
void _fini(void) {}

extern int main(void);
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
extern void __libc_init_array(void);

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_VTOR  (*(volatile uint32_t *)0xE000ED08u)

void Reset_Handler(void) __attribute__((noreturn));
void Reset_Handler(void)
{
    uint32_t *d = __data_start;
    const uint32_t *s = __data_load;
    while (d < __data_end) *d++ = *s++;
    for (d = __bss_start; d < __bss_end; ++d) *d = 0;
    /* CP10 and CP11 (the FPU) full access, then let the write take effect
     * before the first floating-point instruction. */
    SCB_CPACR |= (0xfu << 20);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    __libc_init_array();
    atexit(report_at_exit);
    SYST_RVR = 0xffffffu;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, wrap interrupt, enabled */
    exit(main());
}

/* Any fault or unexpected interrupt: name it, print the stacked PC (the
 * exception frame is on the main stack: this harness never uses PSP), and
 * stop with a runtime-error status.  Each handler is naked so that r0 holds
 * MSP as it was on exception entry: frame[6] is the stacked PC. */
void mcu_fault(const uint32_t *frame, unsigned what) __attribute__((noreturn));
void mcu_fault(const uint32_t *frame, unsigned what)
{
    static const char *const names[] = { "HardFault", "MemManage fault", "BusFault", "UsageFault",
                                         "unexpected exception" };
    sh_puts("\nsepgen-mcu: ");
    sh_puts(names[what < 5 ? what : 4]);
    sh_puts(" at pc ");
    sh_puthex(frame[6]);
    sh_puts("\n");
    _exit(70);
}

#define FAULT_HANDLER(name, code) \
    __attribute__((naked)) static void name(void) \
    { \
        __asm__ volatile("mrs r0, msp\n\tmovs r1, #" #code "\n\tb mcu_fault"); \
    }
FAULT_HANDLER(hard_fault, 0)
FAULT_HANDLER(mem_fault, 1)
FAULT_HANDLER(bus_fault, 2)
FAULT_HANDLER(usage_fault, 3)
FAULT_HANDLER(other_irq, 4)

/* The vector table: 16 system exceptions, then the 32 external interrupts of
 * the MPS2 images (none is ever enabled; each would be reported). */
typedef void (*vector)(void);
#define X4 other_irq, other_irq, other_irq, other_irq
__attribute__((section(".vectors"), used)) static const vector vectors[16 + 32] = {
    (vector)(uintptr_t)__stack_top,
    Reset_Handler,
    other_irq, /* NMI */
    hard_fault,
    mem_fault,
    bus_fault,
    usage_fault,
    other_irq, other_irq, other_irq, other_irq, /* reserved */
    other_irq,                                  /* SVCall */
    other_irq, other_irq,                       /* debug monitor, reserved */
    other_irq,                                  /* PendSV */
    systick_handler,
    X4, X4, X4, X4, X4, X4, X4, X4,
};
