#!/usr/bin/python3
"""models.py OUTDIR [MODEL...]: the PyTorch side of `make test-import`.

For each model (default: all of MODELS below) this writes into OUTDIR:

  NAME.onnx  the model, exported by torch.onnx.export at the model's opset
  NAME.in    the input image, NCHW float32 little-endian
  NAME.ref   the model's output on it computed by PyTorch in float64, little-endian
  NAME.tol   one line: "TOL ERR32 MAXREF" (the tolerance, the error of PyTorch's
             own float32 run, the largest |output|)

and prints one line per model.  Weights are random with a fixed seed and then
calibrated (calibrate below) so that every layer's output is of order 1: with
PyTorch's initialisation the logits of a MobileNet are ~1e-9 and any
comparison would pass.

The tolerance (tolerance below) follows bench/common.c's rule.  A layer that
sums K products (a convolution: K = C/groups * kh * kw, plus one for the
bias), computed in float32 in any order, with or without fused multiply-add,
is within gamma_K * M of its exact value on the same (float32) inputs, where
gamma_K = K u / (1 - K u), u = 2^-24 and M = sum |w| |x| + |b|, the same
layer on the absolute values (Higham, Accuracy and Stability of Numerical
Algorithms, 2nd ed., eq. 3.5).  sepgen folds BatchNorm into the weights and
applies the activation or residual add in the same layer: three more
roundings, each at most u relative to the layer's output (the residual add's
relative to the sum, whose skip term is of the layer's order in these nets),
so each layer's own error is bounded by gamma_{K+3} * M.  Those errors then
travel through the rest of the net; to see how far, the float64 model is run
three more times with every layer's output moved by r * gamma_{K+3} * M (r
uniform in [-1, 1], independent per element: rounding errors have either
sign), and the tolerance is 4x the largest change of an output.  Each layer
is moved by its worst-case error, which a float32 run reaches only when
every rounding in a sum goes the same way, so real errors stay well below
(PyTorch's own float32 run is checked against the same tolerance: models.py
fails when it is outside, which would mean the rule is wrong for that net).
Average pools (K = the window) and softmax (K = the classes, plus exp and
the division) are moved the same way; max pools are exact; MnasNet's global
mean is a call (x.mean), not a module, and is not moved: 9 terms, next to
the 1280-term sums around it.
"""
import copy
import inspect
import os
import sys
import time

import onnx
import torch
import torch.nn as nn
import torchvision

U = 2.0 ** -24
RUNS = 3     # perturbed float64 runs
FACTOR = 4   # tolerance = FACTOR * the largest change of an output


def gamma(k):
    return k * U / (1 - k * U)


class Factorized(nn.Module):
    """The factorized blocks of Wang, Liu and Foroosh (arXiv 1608.04337) that
    sepgen maps: a single intra-channel convolution with channel multiplier 2,
    topological subdivisioning (a grouped 1x1 projection), a spatial bottleneck
    (depthwise 3x3/2 down, 1x1, depthwise transposed 3x3/2 up, plus the block
    input), then pools, a classifier on a 6x6 map (Flatten: NCHW order) and
    softmax.  Input 95x95: the stem is stride 2 on an odd size, the bottleneck
    on an even one."""

    def __init__(self, classes=10):
        super().__init__()
        c = 16
        self.stem = nn.Sequential(nn.Conv2d(3, c, 3, 2, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU())
        self.dw = nn.Sequential(nn.Conv2d(c, 2 * c, 3, 1, 1, groups=c, bias=False),
                                nn.BatchNorm2d(2 * c), nn.ReLU6())
        self.gpw = nn.Sequential(nn.Conv2d(2 * c, 2 * c, 1, groups=4, bias=False),
                                 nn.BatchNorm2d(2 * c), nn.Hardswish())
        self.down = nn.Sequential(nn.Conv2d(2 * c, 2 * c, 3, 2, 1, groups=2 * c, bias=False),
                                  nn.BatchNorm2d(2 * c))
        self.mid = nn.Sequential(nn.Conv2d(2 * c, 2 * c, 1, bias=False), nn.BatchNorm2d(2 * c), nn.ReLU())
        self.up = nn.Sequential(nn.ConvTranspose2d(2 * c, 2 * c, 3, 2, 1, output_padding=1, groups=2 * c,
                                                   bias=False), nn.BatchNorm2d(2 * c))
        self.post = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.sep = nn.Sequential(nn.Conv2d(2 * c, 2 * c, 3, 2, 1, groups=2 * c, bias=False),
                                 nn.BatchNorm2d(2 * c), nn.ReLU(),
                                 nn.Conv2d(2 * c, 4 * c, 1, bias=False), nn.BatchNorm2d(4 * c), nn.ReLU6())
        self.avgpool = nn.AvgPool2d(3, 2, 1)  # count_include_pad=True: sepgen's count_pad
        self.fc = nn.Linear(4 * c * 6 * 6, classes)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.gpw(self.dw(self.stem(x)))
        x = self.post(self.up(self.mid(self.down(x))) + x)
        x = self.avgpool(self.sep(self.maxpool(x)))
        return self.softmax(self.fc(torch.flatten(x, 1)))


def tv(name):
    return lambda: getattr(torchvision.models, name)(num_classes=10)


# name: (constructor, input size, opset, BatchNorm left in the ONNX file, seed).
# torch.onnx.export folds Conv + BatchNorm itself in its default (EVAL) mode;
# TrainingMode.PRESERVE on an eval() model keeps the BatchNormalization nodes
# for the importer to fold.  Opset 13 exports Hardswish as HardSigmoid + Mul;
# 11 is the oldest opset the importer reads (ReduceMean's axes an attribute).
# Stride-2 layers read odd and even sizes: the importer must turn PyTorch's
# symmetric padding into explicit pads, which differ from "same" on even
# sizes (inputs of the stride-2 layers: 97, 49, 25, 13, 7; 75, 38, 19, 10, 5;
# 67, 34, 17, 9, 5; 95, 48, 24, 12).
MODELS = {
    "mobilenet_v2": (tv("mobilenet_v2"), 97, 17, True, 1),
    "mobilenet_v3_small": (tv("mobilenet_v3_small"), 75, 13, False, 2),
    "mnasnet0_5": (tv("mnasnet0_5"), 67, 11, False, 3),
    "factorized": (Factorized, 95, 17, True, 4),
}


def calibrate(model, size, gen):
    """Random weights of order 1: one pass over a batch of 4 random images
    (not the test input), in execution order.  Each BatchNorm gets running
    statistics near those of its input (mean + 0.3 std N(0,1), var times
    U(0.5, 2)), weight U(0.7, 1.3), bias 0.3 N(0,1); each Conv or Linear is
    scaled so its output has standard deviation 1 (the last Linear: 2, the
    logits) and gets bias 0.2 N(0,1) when it has one."""
    def randn(*s):
        return torch.randn(*s, generator=gen)

    def rand(*s):
        return torch.rand(*s, generator=gen)

    linears = []

    def bn_pre(m, inp):
        x = inp[0]
        mean = x.mean((0, 2, 3))
        var = x.var((0, 2, 3))
        var = torch.clamp(var, min=1e-2 * float(var.mean()) + 1e-12)
        m.running_mean.copy_(mean + 0.3 * var.sqrt() * randn(mean.numel()))
        m.running_var.copy_(var * (0.5 + 1.5 * rand(var.numel())))
        m.weight.data.copy_(0.7 + 0.6 * rand(var.numel()))
        m.bias.data.copy_(0.3 * randn(var.numel()))

    def lin_post(m, inp, out):
        if isinstance(m, nn.Linear):
            linears.append(m)
        shape = (1, -1, 1, 1) if out.dim() == 4 else (1, -1)
        y = out
        if m.bias is not None:
            y = y - m.bias.view(shape)
        s = float(y.std())
        if s > 0:
            m.weight.data.div_(s)
            y = y / s
        if m.bias is not None:
            m.bias.data.copy_(0.2 * randn(m.bias.numel()))
            y = y + m.bias.view(shape)
        return y

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            hooks.append(m.register_forward_pre_hook(bn_pre))
        elif isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            hooks.append(m.register_forward_hook(lin_post))
    with torch.no_grad():
        model(torch.randn(4, 3, size, size, generator=gen))
        for h in hooks:
            h.remove()
        last = linears[-1]
        last.weight.data.mul_(2)
        last.bias.data.mul_(2)


def tolerance(m64, x64, y64, gen):
    """4x the largest output change of RUNS float64 runs with every layer's
    output moved by r * gamma_{K+3} * M (see the module comment)."""
    F = nn.functional
    last_k = [0]  # K of the last conv run: a BatchNorm after it is folded into it

    def move(out, k, mag):
        r = 2 * torch.rand(out.shape, generator=gen, dtype=torch.float64) - 1
        return out + r * gamma(k) * mag

    def conv_like(m, inp, out):
        x = inp[0].abs()
        w = m.weight.abs()
        if isinstance(m, nn.Linear):
            k = m.in_features
            mag = F.linear(x, w)
        elif isinstance(m, nn.ConvTranspose2d):
            k = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
            mag = F.conv_transpose2d(x, w, None, m.stride, m.padding, m.output_padding, m.groups,
                                     m.dilation)
        else:
            k = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
            mag = F.conv2d(x, w, None, m.stride, m.padding, m.dilation, m.groups)
        if m.bias is not None:
            k += 1
            mag = mag + m.bias.abs().view((1, -1, 1, 1) if mag.dim() == 4 else (1, -1))
        last_k[0] = k
        return move(out, k + 3, mag)

    def batchnorm(m, inp, out):
        # folded into the conv before: its bias, beta - mean * f, is one more
        # term of that conv's sum (the weights' part is in conv_like's M)
        f = m.weight / torch.sqrt(m.running_var + m.eps)
        b = (m.bias - m.running_mean * f).abs().view(1, -1, 1, 1)
        return move(out, last_k[0] + 4, b.expand_as(out))

    def avgpool(m, inp, out):
        x = inp[0].abs()
        if isinstance(m, nn.AdaptiveAvgPool2d):
            k = x.shape[2] * x.shape[3]
            mag = F.adaptive_avg_pool2d(x, m.output_size)
        else:
            k = m.kernel_size * m.kernel_size
            mag = F.avg_pool2d(x, m.kernel_size, m.stride, m.padding, m.ceil_mode, m.count_include_pad)
        return move(out, k + 1, mag)

    def softmax(m, inp, out):
        return move(out, out.shape[1] + 3, out.abs())

    hooks = []
    for m in m64.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            hooks.append(m.register_forward_hook(conv_like))
        elif isinstance(m, nn.BatchNorm2d):
            hooks.append(m.register_forward_hook(batchnorm))
        elif isinstance(m, (nn.AvgPool2d, nn.AdaptiveAvgPool2d)):
            hooks.append(m.register_forward_hook(avgpool))
        elif isinstance(m, nn.Softmax):
            hooks.append(m.register_forward_hook(softmax))
    change = 0.0
    with torch.no_grad():
        for _ in range(RUNS):
            change = max(change, float((m64(x64) - y64).abs().max()))
    for h in hooks:
        h.remove()
    return FACTOR * change


def build(name, outdir):
    ctor, size, opset, keep_bn, seed = MODELS[name]
    t0 = time.time()
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = ctor()
    model.eval()
    calibrate(model, size, gen)
    x = torch.randn(1, 3, size, size, generator=gen)
    with torch.no_grad():
        y32 = model(x)
    m64 = copy.deepcopy(model).double()
    x64 = x.double()
    with torch.no_grad():
        y64 = m64(x64)
    tol = tolerance(m64, x64, y64, gen)
    err32 = float((y32.double() - y64).abs().max())
    maxref = float(y64.abs().max())
    base = os.path.join(outdir, name)
    mode = torch.onnx.TrainingMode.PRESERVE if keep_bn else torch.onnx.TrainingMode.EVAL
    extra = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        extra["dynamo"] = False  # the TorchScript exporter (newer PyTorch defaults to dynamo)
    torch.onnx.export(model, x, base + ".onnx", opset_version=opset, training=mode,
                      input_names=["image"], output_names=["output"], **extra)
    onnx.checker.check_model(base + ".onnx")  # a valid model: what the importer reads is ONNX
    x.numpy().astype("<f4").tofile(base + ".in")
    y64.numpy().astype("<f8").tofile(base + ".ref")
    with open(base + ".tol", "w") as f:
        f.write("%.9g %.9g %.9g\n" % (tol, err32, maxref))
    ok = err32 <= tol
    print("models.py: %-18s %dx%d opset %d%s: outputs %d, max |out| %.3g, std %.3g; "
          "tolerance %.3g; torch float32 error %.3g (%.2g of it)%s (%.1fs)"
          % (name, size, size, opset, ", BatchNorm nodes kept" if keep_bn else "", y64.numel(), maxref,
             float(y64.std()), tol, err32, err32 / tol, "" if ok else " OUTSIDE: the rule is wrong here",
             time.time() - t0), flush=True)
    return ok


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: models.py OUTDIR [MODEL...]; models: %s\n" % " ".join(MODELS))
        return 2
    outdir = argv[1]
    names = argv[2:] or list(MODELS)
    for n in names:
        if n not in MODELS:
            sys.stderr.write("models.py: unknown model %s (%s)\n" % (n, " ".join(MODELS)))
            return 2
    os.makedirs(outdir, exist_ok=True)
    # one thread: the same sums on every machine, and the test script runs
    # other jobs on the other core (two threads were 5x slower on a 2-vCPU VM)
    torch.set_num_threads(1)
    ok = True
    for n in names:
        ok = build(n, outdir) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
