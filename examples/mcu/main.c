/* main.c - person detection on a microcontroller with a sepgen net whose
 * weights are baked in (examples/mcu/README.md; `make demo-mcu` builds and
 * runs it on an emulated Cortex-M4F).
 *
 * Build: generate the net for the portable target with its weights,
 *   lua5.4 gen/main.lua --target scalar --weights vww.safetensors --out out examples/mcu/vww.lua
 * then compile this file with out/vww.c and out/vww_weights.c, e.g.
 *   arm-none-eabi-gcc -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb \
 *      -std=c99 -O2 -I out main.c out/vww.c out/vww_weights.c <your startup and linker script>
 * or for the host (the same output, no instruction count):
 *   cc -std=c99 -O2 -I out main.c out/vww.c out/vww_weights.c -o vww
 *
 * It draws a 96x96 RGB test picture (8-bit pixels, as a camera would give
 * them), scales it to [-1, 1] (the MobileNet convention), runs NET(forward)
 * once with a static arena, prints both class probabilities and the top
 * class, then runs it again and checks that the output is the same bits.
 *
 * On an ARMv7-M core (Cortex-M3/M4/M7) it also counts the inference with
 * SysTick on the processor clock, restarted just before the call: on a
 * real board the count is core cycles; under qemu -icount shift=0 on the
 * 25 MHz MPS2 boards it is instructions / 40 (examples/mcu/demo.sh
 * multiplies).  The count is exact below 2^24 ticks; beyond it says so.
 *
 * Another net: -DNET_HEADER='"mynet.h"' -D'NET(x)=mynet_##x' -D'NETM(x)=MYNET_##x'
 * (and its own class names: CLASS_NAMES below).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef NET_HEADER
#define NET_HEADER "vww.h"
#define NET(x) vww_##x
#define NETM(x) VWW_##x
#define CLASS_NAMES { "no person", "person" }
#endif
#include NET_HEADER

#if !NETM(HAS_WEIGHTS)
#error "generate the net with its weights: gen/main.lua --weights net.safetensors"
#endif

enum { IN_H = NETM(IN_H), IN_W = NETM(IN_W), IN_C = NETM(IN_C), CLASSES = NETM(OUT_H) * NETM(OUT_W) * NETM(OUT_C) };

/* Every buffer is static: the sizes are known when the net is generated. */
static float arena[NETM(ARENA_FLOATS)];
static float input[IN_H * IN_W * IN_C];
static float probs[CLASSES];
static float again[CLASSES];

/* The test picture's pixel (x, y), channel c (0..2: R, G, B): a smooth
 * background with a bright disc, integer arithmetic only so that every
 * compiler and core draws the same bytes. */
static unsigned pixel(int x, int y, int c)
{
    const int dx = x - IN_W / 2, dy = y - IN_H / 3, r = IN_W / 4;
    if (dx * dx + dy * dy <= r * r) return (unsigned)(200 + 20 * c);
    return (unsigned)((x * 255 / IN_W + y * 128 / IN_H + 60 * c) & 0xff);
}

static void draw_input(void)
{
    for (int y = 0; y < IN_H; ++y)
        for (int x = 0; x < IN_W; ++x)
            for (int c = 0; c < IN_C; ++c)
                input[(y * IN_W + x) * IN_C + c] = (float)pixel(x, y, c % 3) / 127.5f - 1.0f;
}

#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
/* SysTick (ARMv7-M architecture manual, B3.3): a 24-bit down-counter. */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE 0x1u
#define SYST_CSR_CLKSOURCE 0x4u /* the processor clock */
#define SYST_CSR_COUNTFLAG 0x10000u
#define HAVE_SYSTICK 1

/* Restart SysTick from 2^24 - 1 on the processor clock (keeping its
 * interrupt setting); the write to CVR clears COUNTFLAG. */
static void ticks_start(void)
{
    SYST_RVR = 0xffffffu;
    SYST_CVR = 0;
    SYST_CSR |= SYST_CSR_ENABLE | SYST_CSR_CLKSOURCE;
}

/* Ticks since ticks_start, or -1 when the counter wrapped (2^24 or more). */
static long ticks_since_start(void)
{
    const uint32_t cv = SYST_CVR, csr = SYST_CSR;
    if (csr & SYST_CSR_COUNTFLAG) return -1;
    return (long)(0xffffffu - cv);
}
#endif

int main(void)
{
    static const char *const names[] = CLASS_NAMES;
    draw_input();

#ifdef HAVE_SYSTICK
    ticks_start();
#endif
    NET(forward)(input, probs, NET(packed_weights), arena);
#ifdef HAVE_SYSTICK
    const long ticks = ticks_since_start();
#endif
    NET(forward)(input, again, NET(packed_weights), arena);

    int top = 0;
    for (int i = 1; i < CLASSES; ++i)
        if (probs[i] > probs[top]) top = i;
    printf("input %dx%dx%d, arena %lu bytes, weights %lu bytes (const)\n", IN_H, IN_W, IN_C,
           (unsigned long)sizeof arena, (unsigned long)NETM(PACKED_FLOATS) * 4ul);
    for (int i = 0; i < CLASSES; ++i)
        printf("p[%d] = %.9g  %s\n", i, (double)probs[i], i < (int)(sizeof names / sizeof *names) ? names[i] : "");
    printf("top class: %d (%s)\n", top, top < (int)(sizeof names / sizeof *names) ? names[top] : "?");
    /* One line for scripts: the top class and every probability. */
    printf("result: top %d probs", top);
    for (int i = 0; i < CLASSES; ++i) printf(" %.9g", (double)probs[i]);
    printf("\n");
#ifdef HAVE_SYSTICK
    if (ticks < 0)
        printf("systick: wrapped (2^24 ticks or more): no count\n");
    else
        printf("systick: %ld ticks per inference\n", ticks);
#endif
    if (memcmp(probs, again, sizeof probs) != 0) {
        printf("FAIL: a second inference gave other bits\n");
        return 1;
    }
    printf("second inference: the same bits\n");
    return 0;
}
