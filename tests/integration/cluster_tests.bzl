"""Container tests that run twice: with runc, and with crun as the default runtime."""

load("@rules_cc//cc:defs.bzl", "cc_test")
load("//tools/bazel:cria.bzl", "cria_cc_test")

def runc_and_crun_test(name, crun_name, srcs, data, deps, size):
    """`name` with runc (the shared Catch2 main), `crun_name` the same sources with crun.

    The crun variant's main is tests/support/crun_main.cc: a process in which this hybrid
    cgroup host looks like cgroup v1, which crun 1.8 accepts.
    """
    cria_cc_test(name = name, size = size, srcs = srcs, data = data, deps = deps)
    cc_test(
        name = crun_name,
        size = size,
        srcs = srcs,
        data = data,
        deps = deps + ["//tests/support:crun_main"],
    )
