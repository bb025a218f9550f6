#!/usr/bin/python3
"""make_fixtures.py - writes the ONNX models of the importer's tests.

    /usr/bin/python3 tests/onnx/make_fixtures.py      (from the repository root)

Needs only onnx.helper and numpy (Debian: python3-onnx, python3-numpy), not
torch.  The tests never run this script: its outputs are committed, and
tests/lua/test_onnx.lua and tests/scripts/bad.sh read them.  Run it again only
after changing it; it rewrites

  tests/onnx/*.onnx          tiny good models, one or a few mappings of SPEC
                             section 10 each (8x8 images, 2..8 channels)
  tests/onnx/expected.lua    for each good model: the layers `make import`
                             must write (fields and ONNX nodes) and the exact
                             bytes of every weight tensor, computed here with
                             numpy from SPEC sections 4 and 8 (an oracle that
                             shares no code with gen/onnx_map.lua)
  tests/bad/onnx/*.onnx      models `make import` must reject (exit 2)
  tests/bad/onnx/cases.txt   one line per check: file, then the substring the
                             message must contain (bad.sh)

The output is deterministic (fixed weights, no random numbers, no producer
version), so rerunning it changes no byte unless the script changed.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOOD = os.path.join(ROOT, "tests", "onnx")
BAD = os.path.join(ROOT, "tests", "bad", "onnx")
F = TensorProto.FLOAT


# ---------------------------------------------------------------- values

def vals(shape, seed):
    """Distinct float32 values, exact in binary (multiples of 1/16, |x| < 2)."""
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.int64)
    v = ((i * 37 + seed * 11) % 61 - 30) / 16.0
    return v.reshape(shape).astype(np.float32)


def positive(shape, seed):
    """Positive values (BatchNormalization variances, scales)."""
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.int64)
    return (((i * 5 + seed) % 7 + 1) / 8.0).reshape(shape).astype(np.float32)


def init(name, arr, float_data=False):
    """An initializer: raw_data (what torch.onnx.export writes) or float_data."""
    arr = np.asarray(arr)
    if float_data:
        return helper.make_tensor(name, F, list(arr.shape), arr.flatten().tolist(), raw=False)
    return numpy_helper.from_array(arr, name)


def i64(name, values):
    return numpy_helper.from_array(np.asarray(values, dtype=np.int64), name)


def hexbytes(arr):
    return np.ascontiguousarray(arr, dtype="<f4").tobytes().hex()


# ---------------------------------------------------------------- models

class Net:
    """A graph under construction and what the importer must make of it."""

    def __init__(self, name, opset, cin, h, w, batch=1):
        self.name, self.opset = name, opset
        self.nodes, self.inits = [], []
        self.x = "input"
        self.inputs = [helper.make_tensor_value_info("input", F, [batch, cin, h, w])]
        self.layers, self.tensors = [], []
        self.count = 0

    def fresh(self, op):
        self.count += 1
        return "%s%d" % (op.lower(), self.count)

    def node(self, op, inputs, attrs=None, name=None, outputs=None):
        name = name or self.fresh(op)
        outputs = outputs or [name + "_out"]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, **(attrs or {})))
        return outputs[0]

    def add_init(self, name, arr, float_data=False):
        self.inits.append(init(name, arr, float_data))
        return name

    def const_node(self, name, arr):
        """A Constant node holding arr (a tensor attribute)."""
        self.nodes.append(helper.make_node("Constant", [], [name], name=name + "_node",
                                           value=numpy_helper.from_array(np.asarray(arr), name)))
        return name

    def layer(self, fields, nodes, tensors=()):
        """The layer the importer must write (fields besides name), its nodes
        and its tensors [(field, array)] in SPEC layout."""
        n = len(self.layers) + 1
        f = dict(fields)
        f["name"] = "l%d" % n
        f["nodes"] = list(nodes)
        self.layers.append(f)
        for field, arr in tensors:
            self.tensors.append(("l%d.%s" % (n, field), arr))

    def model(self, check=True):
        """The ModelProto; its output's shape comes from ONNX's shape
        inference (as in an exported model), when this onnx knows the opset."""
        def build(out):
            g = helper.make_graph(self.nodes, self.name, self.inputs, [out], initializer=self.inits)
            m = helper.make_model(g, opset_imports=[helper.make_opsetid("", self.opset)],
                                  producer_name="make_fixtures.py")
            m.ir_version = 8 if self.opset <= 17 else 9
            return m
        out = helper.make_tensor_value_info(self.x, F, None)
        if check:
            inferred = onnx.shape_inference.infer_shapes(build(out), strict_mode=True)
            out = inferred.graph.output[0]
        m = build(out)
        if check:
            onnx.checker.check_model(m, full_check=True)
        return m


def conv(net, cin, cout, k, seed, group=1, bias=True, float_data=False, x=None, name=None, **attrs):
    """A Conv node on net.x (or x); returns (output, weight, bias) with the
    ONNX arrays (bias None when absent)."""
    kh, kw = (k, k) if isinstance(k, int) else k
    name = name or net.fresh("conv")
    w = vals([cout, cin // group, kh, kw], seed)
    b = vals([cout], seed + 100) if bias else None
    ins = [x or net.x, net.add_init(name + ".weight", w, float_data)]
    if bias:
        ins.append(net.add_init(name + ".bias", b, float_data))
    if group != 1:
        attrs["group"] = group
    attrs.setdefault("kernel_shape", [kh, kw])
    out = net.node("Conv", ins, attrs, name=name)
    return out, w, b


def bn(net, x, c, seed, eps=None, name=None):
    """A BatchNormalization node; returns (output, scale, beta, mean, var, eps)."""
    name = name or net.fresh("bn")
    scale, beta = vals([c], seed) + np.float32(2.5), vals([c], seed + 1)
    mean, var = vals([c], seed + 2), positive([c], seed + 3)
    ins = [x] + [net.add_init(name + "." + k, a) for k, a in
                 (("weight", scale), ("bias", beta), ("running_mean", mean), ("running_var", var))]
    attrs = {} if eps is None else {"epsilon": eps}
    out = net.node("BatchNormalization", ins, attrs, name=name)
    e = np.float64(np.float32(1e-5 if eps is None else eps))
    return out, scale, beta, mean, var, e


def fold(w, b, scale, beta, mean, var, eps):
    """SPEC 10's BatchNormalization folding, in doubles, rounded once (the
    importer's arithmetic): w' = w*f, b' = (b - mean)*f + beta, f = scale/sqrt(var + eps).
    w: output channel first."""
    f = scale.astype(np.float64) / np.sqrt(var.astype(np.float64) + eps)
    shape = [-1] + [1] * (w.ndim - 1)
    w2 = (w.astype(np.float64) * f.reshape(shape)).astype(np.float32)
    b64 = np.zeros(len(f)) if b is None else b.astype(np.float64)
    b2 = ((b64 - mean.astype(np.float64)) * f + beta.astype(np.float64)).astype(np.float32)
    return w2, b2


def zeros(n):
    return np.zeros([n], dtype=np.float32)


def ohwi(w):
    return w.transpose(0, 2, 3, 1)


def dw_layout(w):
    """[C*m, 1, kh, kw] -> [kh][kw][C*m]"""
    return w.reshape(w.shape[0], w.shape[2], w.shape[3]).transpose(1, 2, 0)


def pw_layout(w):
    return w.reshape(w.shape[0], w.shape[1])


def fc_layout(w_out_in, c, h, wd):
    """[cout][C*H*W] in NCHW flatten order -> [cout][H*W*C] (NHWC)."""
    cout = w_out_in.shape[0]
    return w_out_in.reshape(cout, c, h, wd).transpose(0, 2, 3, 1).reshape(cout, -1)


# ---------------------------------------------------------------- good models

def conv_pw():
    """Opset 11.  Conv group 1 -> conv (OIHW -> OHWI, raw_data weights,
    float_data bias), Relu; 1x1 Conv -> pwconv (float_data weights, no bias);
    a {kh,kw} kernel with a stride pair and asymmetric pads."""
    n = Net("conv_pw", 11, 3, 8, 8)
    y, w, b = conv(n, 3, 4, 3, 1, strides=[2, 2], pads=[1, 1, 1, 1], name="stem")
    name_b = "stem.bias"
    n.inits = [t for t in n.inits if t.name != name_b] + [init(name_b, b, float_data=True)]
    n.x = n.node("Relu", [y], name="stem_relu")
    n.layer({"op": "conv", "k": 3, "stride": 2, "pad": 1, "cout": 4, "act": "relu"}, ["stem", "stem_relu"],
            [("conv_w", ohwi(w)), ("conv_b", b)])
    n.x, w, _ = conv(n, 4, 6, 1, 2, bias=False, float_data=True, name="proj")
    n.layer({"op": "pwconv", "cout": 6}, ["proj"], [("pw_w", pw_layout(w)), ("pw_b", zeros(6))])
    n.x, w, b = conv(n, 6, 2, (3, 1), 3, strides=[1, 2], pads=[1, 0, 2, 0], name="tall")
    n.layer({"op": "conv", "k": [3, 1], "stride": [1, 2], "pad": [1, 0, 2, 0], "cout": 2}, ["tall"],
            [("conv_w", ohwi(w)), ("conv_b", b)])
    return n


def dw_mult():
    """Opset 13.  Depthwise with multiplier 3 (group = C = 2, weight [6,1,3,3]),
    dilation {2,1}, asymmetric pads; Clip with min and max from Constant
    nodes -> relu6."""
    n = Net("dw_mult", 13, 2, 8, 8)
    y, w, b = conv(n, 2, 6, 3, 4, group=2, dilations=[2, 1], pads=[2, 1, 2, 1], name="dw")
    lo = n.const_node("clip_min", np.float32(0))
    hi = n.const_node("clip_max", np.float32(6))
    n.x = n.node("Clip", [y, lo, hi], name="dw_relu6")
    n.layer({"op": "dwconv", "k": 3, "stride": 1, "dilation": [2, 1], "pad": [2, 1, 2, 1], "mult": 3,
             "act": "relu6"}, ["dw", "dw_relu6"], [("dw_w", dw_layout(w)), ("dw_b", b)])
    return n


def grouped():
    """Opset 13.  Grouped 1x1 Conv -> pwconv groups (weight [cout][C/g]);
    grouped 3x3 Conv -> conv groups (OHWI with C/g)."""
    n = Net("grouped", 13, 4, 6, 6)
    n.x, w, b = conv(n, 4, 6, 1, 5, group=2, name="gpw")
    n.layer({"op": "pwconv", "cout": 6, "groups": 2}, ["gpw"], [("pw_w", pw_layout(w)), ("pw_b", b)])
    n.x, w, b = conv(n, 6, 3, 3, 6, group=3, pads=[1, 1, 1, 1], name="gconv")
    n.layer({"op": "conv", "k": 3, "stride": 1, "pad": 1, "cout": 3, "groups": 3}, ["gconv"],
            [("conv_w", ohwi(w)), ("conv_b", b)])
    return n


def separable():
    """Opset 17.  dw Conv + BatchNormalization + Clip(0, 6) with min/max as
    initializers, then 1x1 Conv + BatchNormalization + Relu: one separable
    layer, both BatchNormalizations folded (default epsilon)."""
    n = Net("separable", 17, 4, 8, 8)
    y, w1, _ = conv(n, 4, 4, 3, 7, group=4, bias=False, strides=[2, 2], pads=[1, 1, 1, 1], name="dw")
    y, *p1 = bn(n, y, 4, 8, name="dw_bn")
    lo = n.add_init("six_min", np.float32(0))
    hi = n.add_init("six_max", np.float32(6))
    y = n.node("Clip", [y, lo, hi], name="dw_relu6")
    y, w2, _ = conv(n, 4, 8, 1, 9, bias=False, x=y, name="pw")
    y, *p2 = bn(n, y, 8, 10, name="pw_bn")
    n.x = n.node("Relu", [y], name="pw_relu")
    fw1, fb1 = fold(w1, None, *p1)
    fw2, fb2 = fold(w2, None, *p2)
    n.layer({"op": "separable", "k": 3, "stride": 2, "pad": 1, "cout": 8, "dw_act": "relu6", "act": "relu"},
            ["dw", "dw_bn", "dw_relu6", "pw", "pw_bn", "pw_relu"],
            [("dw_w", dw_layout(fw1)), ("dw_b", fb1), ("pw_w", pw_layout(fw2)), ("pw_b", fb2)])
    return n


def bn_hand():
    """Opset 13.  BatchNormalization with numbers the Lua test folds by hand:
    epsilon 0.25, var {0.75, 3.75} -> sqrt(var + eps) = {1, 2}; scale {3, 1}
    -> f = {3, 0.5}.  After a conv (output channel first) and after a
    depthwise conv (channel last)."""
    n = Net("bn_hand", 13, 2, 4, 4)
    bnp = {"weight": [3, 1], "bias": [0.25, -1], "running_mean": [0.5, 1], "running_var": [0.75, 3.75]}
    f = np.asarray([3, 0.5])                            # scale / sqrt(var + eps)
    fb = np.asarray([1.75, -2.5], dtype=np.float32)     # (b - mean) * f + beta, with b = {1, -2}
    for i, (group, cname) in enumerate(((1, "c"), (2, "d"))):
        y, w, _ = conv(n, 2, 2, 3, 11 + i, group=group, pads=[1, 1, 1, 1], name=cname)
        n.inits = [t for t in n.inits if t.name != cname + ".bias"] + [init(cname + ".bias", np.float32([1, -2]))]
        ins = [y] + [n.add_init("%s_bn.%s" % (cname, k), np.asarray(v, dtype=np.float32)) for k, v in bnp.items()]
        n.x = n.node("BatchNormalization", ins, {"epsilon": 0.25}, name=cname + "_bn")
        fw = (w * f.reshape(-1, 1, 1, 1)).astype(np.float32)
        if group == 1:
            n.layer({"op": "conv", "k": 3, "stride": 1, "pad": 1, "cout": 2}, [cname, cname + "_bn"],
                    [("conv_w", ohwi(fw)), ("conv_b", fb)])
        else:
            n.layer({"op": "dwconv", "k": 3, "stride": 1, "pad": 1}, [cname, cname + "_bn"],
                    [("dw_w", dw_layout(fw)), ("dw_b", fb)])
    return n


def deconv():
    """Opset 13.  ConvTranspose with group = C, stride 2, pads 1,
    output_padding 1 -> dwdeconv with out = 2H; BatchNormalization folded
    into it (channel last); Relu."""
    n = Net("deconv", 13, 3, 4, 4)
    w, b = vals([3, 1, 3, 3], 12), vals([3], 13)
    ins = ["input", n.add_init("up.weight", w), n.add_init("up.bias", b)]
    y = n.node("ConvTranspose", ins, {"group": 3, "kernel_shape": [3, 3], "strides": [2, 2],
                                      "pads": [1, 1, 1, 1], "output_padding": [1, 1]}, name="up")
    y, *p = bn(n, y, 3, 14, name="up_bn")
    n.x = n.node("Relu", [y], name="up_relu")
    fw, fb = fold(w, b, *p)
    n.layer({"op": "dwdeconv", "k": 3, "stride": 2, "pad": 1, "out": {"h": 8, "w": 8}, "act": "relu"},
            ["up", "up_bn", "up_relu"], [("dw_w", dw_layout(fw)), ("dw_b", fb)])
    return n


def acts():
    """Opset 17.  Activations after 1x1 convs: Clip(-1, 2.5) -> {min, max};
    HardSigmoid(1/6, 0.5) + Mul -> hswish (both Mul input orders);
    HardSwish; Sigmoid; HardSigmoid alone -> hsigmoid; Clip(0) -> relu;
    Clip with only a min from a Constant value_float -> {min}; Clip(-inf,
    1.5) -> {max} (an infinite bound is an open side)."""
    n = Net("acts", 17, 2, 4, 4)

    def pw(tag, seed):
        y, w, b = conv(n, 2, 2, 1, seed, name=tag)
        return y, [("pw_w", pw_layout(w)), ("pw_b", b)]

    y, t = pw("c1", 20)
    n.x = n.node("Clip", [y, n.add_init("lo", np.float32(-1)), n.add_init("hi", np.float32(2.5))], name="clamp")
    n.layer({"op": "pwconv", "cout": 2, "act": {"min": -1, "max": 2.5}}, ["c1", "clamp"], t)
    y, t = pw("c2", 21)
    hs = n.node("HardSigmoid", [y], {"alpha": 1.0 / 6, "beta": 0.5}, name="hs2")
    n.x = n.node("Mul", [y, hs], name="mul2")
    n.layer({"op": "pwconv", "cout": 2, "act": "hswish"}, ["c2", "hs2", "mul2"], t)
    y, t = pw("c3", 22)
    hs = n.node("HardSigmoid", [y], {"alpha": 1.0 / 6, "beta": 0.5}, name="hs3")
    n.x = n.node("Mul", [hs, y], name="mul3")
    n.layer({"op": "pwconv", "cout": 2, "act": "hswish"}, ["c3", "hs3", "mul3"], t)
    y, t = pw("c4", 23)
    n.x = n.node("HardSwish", [y], name="hswish4")
    n.layer({"op": "pwconv", "cout": 2, "act": "hswish"}, ["c4", "hswish4"], t)
    y, t = pw("c5", 24)
    n.x = n.node("Sigmoid", [y], name="sig5")
    n.layer({"op": "pwconv", "cout": 2, "act": "sigmoid"}, ["c5", "sig5"], t)
    y, t = pw("c6", 25)
    n.x = n.node("HardSigmoid", [y], {"alpha": 1.0 / 6, "beta": 0.5}, name="hsig6")
    n.layer({"op": "pwconv", "cout": 2, "act": "hsigmoid"}, ["c6", "hsig6"], t)
    y, t = pw("c7", 26)
    n.x = n.node("Clip", [y, n.add_init("zero", np.float32(0))], name="clip7")
    n.layer({"op": "pwconv", "cout": 2, "act": "relu"}, ["c7", "clip7"], t)
    y, t = pw("c8", 27)
    n.nodes.append(helper.make_node("Constant", [], ["half"], name="half_node", value_float=0.5))
    n.x = n.node("Clip", [y, "half"], name="clip8")
    n.layer({"op": "pwconv", "cout": 2, "act": {"min": 0.5}}, ["c8", "clip8"], t)
    y, t = pw("c9", 28)
    lo = n.add_init("minus_inf", np.float32(-np.inf))
    n.x = n.node("Clip", [y, lo, n.add_init("one_half", np.float32(1.5))], name="clip9")
    n.layer({"op": "pwconv", "cout": 2, "act": {"max": 1.5}}, ["c9", "clip9"], t)
    return n


def residual():
    """Opset 13.  Add as a residual: onto a pwconv's own input (true); a
    MobileNet v2 block (expand, dw, project, Add of the block input: a named
    skip across the fused separable); a dw -> pw pair whose Add reads the
    dw's input (the separable's own input: true)."""
    n = Net("residual", 13, 4, 6, 6)
    y, w, b = conv(n, 4, 4, 1, 30, name="p1")
    n.x = n.node("Add", [y, "input"], name="add1")
    n.layer({"op": "pwconv", "cout": 4, "residual": True}, ["p1", "add1"], [("pw_w", pw_layout(w)), ("pw_b", b)])
    block_in = n.x
    y, we, be = conv(n, 4, 8, 1, 31, name="expand")
    n.x = n.node("Relu", [y], name="expand_relu")
    n.layer({"op": "pwconv", "cout": 8, "act": "relu"}, ["expand", "expand_relu"],
            [("pw_w", pw_layout(we)), ("pw_b", be)])
    y, wd, bd = conv(n, 8, 8, 3, 32, group=8, pads=[1, 1, 1, 1], name="dw")
    y = n.node("Relu", [y], name="dw_relu")
    y, wp, bp = conv(n, 8, 4, 1, 33, x=y, name="project")
    n.x = n.node("Add", [block_in, y], name="add2")
    n.layer({"op": "separable", "k": 3, "stride": 1, "pad": 1, "cout": 4, "dw_act": "relu", "residual": "l2"},
            ["dw", "dw_relu", "project", "add2"],
            [("dw_w", dw_layout(wd)), ("dw_b", bd), ("pw_w", pw_layout(wp)), ("pw_b", bp)])
    block_in = n.x
    y, wd, bd = conv(n, 4, 4, 3, 34, group=4, pads=[1, 1, 1, 1], name="dw3")
    y, wp, bp = conv(n, 4, 4, 1, 35, x=y, name="pw3")
    y = n.node("Add", [y, block_in], name="add3")
    n.x = n.node("Relu", [y], name="relu3")
    n.layer({"op": "separable", "k": 3, "stride": 1, "pad": 1, "cout": 4, "act": "relu", "residual": True},
            ["dw3", "pw3", "add3", "relu3"],
            [("dw_w", dw_layout(wd)), ("dw_b", bd), ("pw_w", pw_layout(wp)), ("pw_b", bp)])
    return n


def pools():
    """Opset 13.  AveragePool with count_include_pad 0 and 1, MaxPool without
    and with pads, ReduceMean (axes attribute, keepdims 1) -> global avg."""
    n = Net("pools", 13, 3, 8, 8)
    n.x = n.node("AveragePool", [n.x], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}, name="avg0")
    n.layer({"op": "pool", "type": "avg", "k": 3, "stride": 1, "pad": 1}, ["avg0"])
    n.x = n.node("AveragePool", [n.x], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "count_include_pad": 1},
                 name="avg1")
    n.layer({"op": "pool", "type": "avg", "k": 3, "stride": 1, "pad": 1, "count_pad": True}, ["avg1"])
    n.x = n.node("MaxPool", [n.x], {"kernel_shape": [2, 2], "strides": [2, 2]}, name="max2")
    n.layer({"op": "pool", "type": "max", "k": 2, "stride": 2, "pad": "valid"}, ["max2"])
    n.x = n.node("MaxPool", [n.x], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}, name="max3")
    n.layer({"op": "pool", "type": "max", "k": 3, "stride": 1, "pad": 1}, ["max3"])
    n.x = n.node("ReduceMean", [n.x], {"axes": [2, 3], "keepdims": 1}, name="mean")
    n.layer({"op": "pool", "type": "avg", "global": True}, ["mean"])
    return n


def gap_fc():
    """Opset 11.  GlobalAveragePool, Flatten, Gemm (transB 1, bias) on a 1x1
    image, Softmax with opset 11's default axis 1."""
    n = Net("gap_fc", 11, 4, 4, 4)
    y, w, b = conv(n, 4, 4, 1, 40, name="p")
    n.x = n.node("Relu", [y], name="p_relu")
    n.layer({"op": "pwconv", "cout": 4, "act": "relu"}, ["p", "p_relu"], [("pw_w", pw_layout(w)), ("pw_b", b)])
    n.x = n.node("GlobalAveragePool", [n.x], name="gap")
    n.layer({"op": "pool", "type": "avg", "global": True}, ["gap"])
    n.x = n.node("Flatten", [n.x], name="flat")
    w, b = vals([3, 4], 41), vals([3], 42)
    n.x = n.node("Gemm", [n.x, n.add_init("fc.weight", w), n.add_init("fc.bias", b)], {"transB": 1}, name="fc")
    n.layer({"op": "fc", "cout": 3}, ["fc"], [("fc_w", w), ("fc_b", b)])
    n.x = n.node("Softmax", [n.x], name="prob")
    n.layer({"op": "softmax"}, ["prob"])
    return n


def reduce_k0():
    """Opset 17.  ReduceMean over axes {-1, -2} with keepdims 0 -> global
    avg; MatMul + Add of a constant -> fc with bias; Softmax axis -1."""
    n = Net("reduce_k0", 17, 4, 4, 4)
    n.x = n.node("ReduceMean", [n.x], {"axes": [-1, -2], "keepdims": 0}, name="mean")
    n.layer({"op": "pool", "type": "avg", "global": True}, ["mean"])
    w, b = vals([4, 3], 43), vals([3], 44)
    y = n.node("MatMul", [n.x, n.add_init("fc.weight", w)], name="mm")
    n.x = n.node("Add", [y, n.add_init("fc.bias", b)], name="mm_bias")
    n.layer({"op": "fc", "cout": 3}, ["mm", "mm_bias"], [("fc_w", w.T), ("fc_b", b)])
    n.x = n.node("Softmax", [n.x], {"axis": -1}, name="prob")
    n.layer({"op": "softmax"}, ["prob"])
    return n


def fc_flatten():
    """Opset 13.  Flatten of a 2x2x3 image + Gemm transB 1: the weight's
    columns go from NCHW (c, y, x) to NHWC (y, x, c) order."""
    n = Net("fc_flatten", 13, 3, 4, 4)
    n.x, w, b = conv(n, 3, 3, 3, 50, strides=[2, 2], pads=[1, 1, 1, 1], name="c")
    n.layer({"op": "conv", "k": 3, "stride": 2, "pad": 1, "cout": 3}, ["c"], [("conv_w", ohwi(w)), ("conv_b", b)])
    y = n.node("Flatten", [n.x], {"axis": 1}, name="flat")
    w, b = vals([5, 12], 51), vals([5], 52)
    n.x = n.node("Gemm", [y, n.add_init("fc.weight", w), n.add_init("fc.bias", b)], {"transB": 1}, name="fc")
    n.layer({"op": "fc", "cout": 5}, ["fc"], [("fc_w", fc_layout(w, 3, 2, 2)), ("fc_b", b)])
    return n


def fc_reshape():
    """Opset 13.  Reshape to [1, -1] of a 2x2x3 image + Gemm transB 0 (weight
    [in, out]) without a bias: transposed and permuted; zero fc_b."""
    n = Net("fc_reshape", 13, 3, 4, 4)
    n.x, w, b = conv(n, 3, 3, 3, 53, strides=[2, 2], pads=[1, 1, 1, 1], name="c")
    n.layer({"op": "conv", "k": 3, "stride": 2, "pad": 1, "cout": 3}, ["c"], [("conv_w", ohwi(w)), ("conv_b", b)])
    y = n.node("Reshape", [n.x, n.add_init("shape", np.asarray([1, -1], dtype=np.int64))], name="reshape")
    w = vals([12, 5], 54)
    n.x = n.node("Gemm", [y, n.add_init("fc.weight", w)], {"transB": 0}, name="fc")
    n.layer({"op": "fc", "cout": 5}, ["fc"], [("fc_w", fc_layout(w.T, 3, 2, 2)), ("fc_b", zeros(5))])
    return n


def matmul_hw():
    """Opset 17.  Flatten of a 2x2x3 image + MatMul + Add(bias, x) (the
    constant first): fc, permuted, with the bias."""
    n = Net("matmul_hw", 17, 3, 4, 4)
    n.x, w, b = conv(n, 3, 3, 3, 55, strides=[2, 2], pads=[1, 1, 1, 1], name="c")
    n.layer({"op": "conv", "k": 3, "stride": 2, "pad": 1, "cout": 3}, ["c"], [("conv_w", ohwi(w)), ("conv_b", b)])
    y = n.node("Flatten", [n.x], name="flat")
    w, b = vals([12, 5], 56), vals([5], 57)
    y = n.node("MatMul", [y, n.add_init("fc.weight", w)], name="mm")
    n.x = n.node("Add", [n.add_init("fc.bias", b), y], name="mm_bias")
    n.layer({"op": "fc", "cout": 5}, ["mm", "mm_bias"], [("fc_w", fc_layout(w.T, 3, 2, 2)), ("fc_b", b)])
    return n


def pad_fold():
    """Opset 13.  Pad (pads as an int64 input) folded into the next Conv
    (pads 0 -> pad 1), into a depthwise Conv with pads of its own (summed,
    asymmetric), and into an AveragePool (count_pad: the zeros count)."""
    n = Net("pad_fold", 13, 2, 6, 6)
    y = n.node("Pad", [n.x, n.add_init("pads1", np.asarray([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64))],
               name="pad1")
    n.x, w, b = conv(n, 2, 2, 3, 60, x=y, name="c1")
    n.layer({"op": "conv", "k": 3, "stride": 1, "pad": 1, "cout": 2}, ["pad1", "c1"],
            [("conv_w", ohwi(w)), ("conv_b", b)])
    y = n.node("Pad", [n.x, n.add_init("pads2", np.asarray([0, 0, 0, 1, 0, 0, 2, 1], dtype=np.int64))],
               name="pad2")
    n.x, w, b = conv(n, 2, 2, 3, 61, group=2, x=y, pads=[1, 0, 0, 0], name="d2")
    n.layer({"op": "dwconv", "k": 3, "stride": 1, "pad": [1, 1, 2, 1]}, ["pad2", "d2"], [("dw_w", dw_layout(w)), ("dw_b", b)])
    y = n.node("Pad", [n.x, n.add_init("pads3", np.asarray([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64))],
               name="pad3")
    n.x = n.node("AveragePool", [y], {"kernel_shape": [3, 3]}, name="avg3")
    n.layer({"op": "pool", "type": "avg", "k": 3, "stride": 1, "pad": 1, "count_pad": True}, ["pad3", "avg3"])
    return n


def se():
    """Opset 13.  Squeeze-excite: GlobalAveragePool, 1x1 Conv, Relu, 1x1
    Conv, HardSigmoid, Mul(x, gate) -> se (relu, hsigmoid); and
    ReduceMean(keepdims 1), 1x1 Conv, 1x1 Conv, Sigmoid, Mul(gate, x) -> se
    (se_act none, gate sigmoid)."""
    n = Net("se", 13, 4, 4, 4)
    y, w, b = conv(n, 4, 4, 1, 70, name="p")
    n.x = n.node("Relu", [y], name="p_relu")
    n.layer({"op": "pwconv", "cout": 4, "act": "relu"}, ["p", "p_relu"], [("pw_w", pw_layout(w)), ("pw_b", b)])
    x = n.x
    s = n.node("GlobalAveragePool", [x], name="sq")
    s, w1, b1 = conv(n, 4, 2, 1, 71, x=s, name="fc1")
    s = n.node("Relu", [s], name="fc1_relu")
    s, w2, b2 = conv(n, 2, 4, 1, 72, x=s, name="fc2")
    s = n.node("HardSigmoid", [s], {"alpha": 1.0 / 6, "beta": 0.5}, name="gate")
    n.x = n.node("Mul", [x, s], name="scale")
    n.layer({"op": "se", "reduce": 2, "se_act": "relu", "gate": "hsigmoid"},
            ["sq", "fc1", "fc1_relu", "fc2", "gate", "scale"],
            [("se_w1", pw_layout(w1)), ("se_b1", b1), ("se_w2", pw_layout(w2)), ("se_b2", b2)])
    x = n.x
    s = n.node("ReduceMean", [x], {"axes": [2, 3], "keepdims": 1}, name="sq2")
    s, w1, _ = conv(n, 4, 3, 1, 73, x=s, bias=False, name="fc3")
    s, w2, b2 = conv(n, 3, 4, 1, 74, x=s, name="fc4")
    s = n.node("Sigmoid", [s], name="gate2")
    n.x = n.node("Mul", [s, x], name="scale2")
    n.layer({"op": "se", "reduce": 3, "se_act": "none", "gate": "sigmoid"}, ["sq2", "fc3", "fc4", "gate2", "scale2"],
            [("se_w1", pw_layout(w1)), ("se_b1", zeros(3)), ("se_w2", pw_layout(w2)), ("se_b2", b2)])
    return n


def identity():
    """Opset 13.  Identity and Dropout pass their input through (Relu after
    an Identity still folds into the conv); Softmax over the channels of a
    4x4 image (axis 1)."""
    n = Net("identity", 13, 2, 4, 4)
    y, w, b = conv(n, 2, 3, 3, 80, pads=[1, 1, 1, 1], name="c")
    y = n.node("Identity", [y], name="same")
    y = n.node("Relu", [y], name="c_relu")
    n.x = n.node("Dropout", [y], name="drop")
    n.layer({"op": "conv", "k": 3, "stride": 1, "pad": 1, "cout": 3, "act": "relu"}, ["c", "c_relu"],
            [("conv_w", ohwi(w)), ("conv_b", b)])
    n.x = n.node("Softmax", [n.x], {"axis": 1}, name="prob")
    n.layer({"op": "softmax"}, ["prob"])
    return n


def reduce_axes_input():
    """Opset 18 (newer than python3-onnx 1.12, so not checked here):
    ReduceMean takes its axes as an input."""
    n = Net("reduce_axes_input", 18, 3, 4, 4)
    n.x = n.node("ReduceMean", [n.x, n.add_init("axes", np.asarray([2, 3], dtype=np.int64))], name="mean")
    n.layer({"op": "pool", "type": "avg", "global": True}, ["mean"])
    n.check = False
    return n


GOOD_MODELS = [conv_pw, dw_mult, grouped, separable, bn_hand, deconv, acts, residual, pools, gap_fc, reduce_k0,
               fc_flatten, fc_reshape, matmul_hw, pad_fold, se, identity, reduce_axes_input]


# ---------------------------------------------------------------- expected.lua

def lua_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, float):
        return repr(int(v)) if v == int(v) else repr(v)
    if isinstance(v, str):
        return '"%s"' % v
    if isinstance(v, list):
        return "{ " + ", ".join(lua_value(x) for x in v) + " }"
    if isinstance(v, dict):
        return "{ " + ", ".join("%s = %s" % (k, lua_value(v[k])) for k in sorted(v)) + " }"
    raise TypeError(v)


def expected_lua(nets):
    out = ["-- expected.lua - written by tests/onnx/make_fixtures.py (do not edit): for each",
           "-- tests/onnx/<model>.onnx, its opset and input (NHWC), the layers `make import`",
           "-- writes (fields; nodes: the ONNX nodes folded into each) and every weight",
           "-- tensor in SPEC 4/8 layout, as the hex of its little-endian float32 bytes.",
           "return {"]
    for n in nets:
        h, w, c = n.hwc
        out.append("  %s = {" % n.name)
        out.append("    opset = %d, input = { h = %d, w = %d, c = %d }," % (n.opset, h, w, c))
        out.append("    layers = {")
        for L in n.layers:
            out.append("      %s," % lua_value(L))
        out.append("    },")
        out.append("    tensors = {")
        for name, arr in n.tensors:
            arr = np.asarray(arr, dtype=np.float32)
            out.append('      { name = "%s", shape = %s,' % (name, lua_value([int(d) for d in arr.shape])))
            out.append('        hex = "%s" },' % hexbytes(arr))
        out.append("    },")
        out.append("  },")
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- bad models

def bad_models():
    """(file name, bytes, [expected substrings])"""
    cases = []

    def add(name, model_or_bytes, *expect):
        data = model_or_bytes if isinstance(model_or_bytes, bytes) else model_or_bytes.SerializeToString()
        cases.append((name, data, list(expect)))

    def small(opset=13, cin=2, h=4, w=4, batch=1):
        return Net("bad", opset, cin, h, w, batch)

    # not ONNX at all: a PNG signature and header chunk; a line of text; nothing
    add("png.onnx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x08\x00\x00\x00\x08\x08\x02\x00\x00\x00",
        "not a readable ONNX file")
    add("text.onnx", b"this is not a model\n", "not a")
    add("empty.onnx", b"", "not an ONNX model")
    # a good model cut in the middle (inside its initializers)
    good = conv_pw().model().SerializeToString()
    add("truncated.onnx", good[:len(good) // 2], "not a readable ONNX file", "runs past the end")

    n = small()
    y, _, _ = conv(n, 2, 2, 1, 1, name="c")
    n.x = n.node("LeakyRelu", [y], {"alpha": 0.1}, name="leaky")
    add("leaky_relu.onnx", n.model(), "node 2 'leaky' (LeakyRelu): op LeakyRelu is not supported",
        "sepgen maps Conv, ConvTranspose (depthwise), BatchNormalization")

    n = small()
    y, _, _ = conv(n, 2, 2, 1, 1, name="c")
    n.x = n.node("Concat", ["input", y], {"axis": 1}, name="cat")
    add("concat.onnx", n.model(), "node 2 'cat' (Concat): op Concat is not supported", "Softmax, Identity")

    n = small()
    n.inputs = [helper.make_tensor_value_info("input", F, [1, 2, "height", 4])]
    n.x, _, _ = conv(n, 2, 2, 1, 1, name="c")
    add("dynamic_dim.onnx", n.model(), "input 'input' has a dynamic dimension 3 ('height')")

    n = small(batch=2)
    n.x, _, _ = conv(n, 2, 2, 1, 1, name="c")
    add("batch2.onnx", n.model(), "input 'input' has batch 2; sepgen runs batch 1")

    n = small()
    n.x, _, _ = conv(n, 2, 2, 1, 1, name="c")
    m = n.model()
    t = m.graph.initializer[0]
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "weights.bin"), ("offset", "0"), ("length", "16")):
        e = t.external_data.add()
        e.key, e.value = k, v
    add("external_data.onnx", m, "node 1 'c' (Conv): tensor 'c.weight' is stored in an external data file")

    n = small()
    y, _, _ = conv(n, 2, 2, 1, 1, name="c")
    s = n.node("Sigmoid", [y], name="sig")
    n.x = n.node("Mul", [y, s], name="swish")
    add("swish.onnx", n.model(), "node 2 'sig' (Sigmoid): x * Sigmoid(x) (SiLU, swish) is not one of")

    n = small()
    y, _, _ = conv(n, 2, 2, 1, 1, name="c")
    n.x = n.node("HardSigmoid", [y], {"alpha": 0.2, "beta": 0.5}, name="hsig")
    add("hardsigmoid_alpha.onnx", n.model(),
        "node 2 'hsig' (HardSigmoid): HardSigmoid with alpha 0.200000003, beta 0.5")

    n = small()
    y, _, _ = conv(n, 2, 2, 1, 1, name="c")
    y = n.node("Relu", [y], name="relu")
    n.x = n.node("Add", [y, "input"], name="add")
    add("add_after_act.onnx", n.model(), "node 3 'add' (Add): the residual is added after")

    n = small()
    n.x, _, _ = conv(n, 2, 2, 3, 1, pads=[3, 3, 3, 3], name="wide")
    add("conv_pads_big.onnx", n.model(),
        "node 1 'wide' (Conv), layer 1 \"l1\": pad: must be in 0..(k-1)*dilation = 0..2 for this kernel, got 3")

    n = small(h=20, w=20)
    n.x, _, _ = conv(n, 2, 2, 2, 1, dilations=[9, 9], name="holes")
    add("conv_dilation_9.onnx", n.model(), "node 1 'holes' (Conv), layer 1 \"l1\": dilation: must be an integer in 1..8")

    n = small()
    n.x = n.node("MaxPool", [n.x], {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1}, name="mp")
    add("maxpool_ceil.onnx", n.model(), "node 1 'mp' (MaxPool): ceil_mode = 1 is not supported")

    n = small()
    y, _, _ = conv(n, 2, 2, 1, 1, name="c")
    n.x = n.node("Clip", [y, n.add_init("lo", np.float32(np.nan)), n.add_init("hi", np.float32(6))], name="clip")
    add("clip_nan.onnx", n.model(), "node 2 'clip' (Clip): a Clip bound is NaN")

    n = small()
    y, _, _ = conv(n, 2, 2, 1, 1, name="c")
    ins = [y] + [n.add_init("bn." + k, np.asarray(v, dtype=np.float32)) for k, v in
                 (("weight", [1, 1]), ("bias", [0, 0]), ("mean", [0, 0]), ("var", [1, -1]))]
    n.x = n.node("BatchNormalization", ins, name="bn")
    add("bn_var_negative.onnx", n.model(), "node 2 'bn' (BatchNormalization): var + epsilon is not positive for "
        "channel 1")

    n = small(opset=9)
    n.x, _, _ = conv(n, 2, 2, 1, 1, name="c")
    add("opset9.onnx", n.model(), "opset 9; sepgen reads opsets 11 to")

    n = small(opset=19)
    n.x, _, _ = conv(n, 2, 2, 1, 1, name="c")
    add("opset19.onnx", n.model(check=False), "opset 19; sepgen reads opsets 11 to")

    n = small()
    n.inputs.append(helper.make_tensor_value_info("other", F, [1, 2, 4, 4]))
    y, _, _ = conv(n, 2, 2, 1, 1, name="c")
    n.x = n.node("Add", [y, "other"], name="add")
    add("two_inputs.onnx", n.model(), "the graph has 2 inputs; sepgen maps a model with one image input")

    return cases


# ---------------------------------------------------------------- main

def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    os.makedirs(GOOD, exist_ok=True)
    os.makedirs(BAD, exist_ok=True)
    nets = []
    for make in GOOD_MODELS:
        n = make()
        shape = [d.dim_value for d in n.inputs[0].type.tensor_type.shape.dim]
        n.hwc = (shape[2], shape[3], shape[1])
        m = n.model(check=getattr(n, "check", True))
        write(os.path.join(GOOD, n.name + ".onnx"), m.SerializeToString())
        nets.append(n)
    write(os.path.join(GOOD, "expected.lua"), expected_lua(nets).encode())
    lines = ["# written by tests/onnx/make_fixtures.py: <file> <substring the message must contain>"]
    for name, data, expect in bad_models():
        write(os.path.join(BAD, name), data)
        lines += ["%s %s" % (name, e) for e in expect]
    write(os.path.join(BAD, "cases.txt"), ("\n".join(lines) + "\n").encode())
    print("make_fixtures.py: %d good models, %d bad" % (len(nets), len(bad_models())))


if __name__ == "__main__":
    main()
