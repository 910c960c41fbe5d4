#include "services/runtime/spec/seccomp_default.h"

#include <sched.h>

#include <cstdint>
#include <vector>

#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cria::runtime::spec {
namespace {

// Always allowed, by what they are for. Names a kernel or libseccomp does not know are
// skipped by runc and crun, so 32-bit variants and newer calls can be listed safely.
// clang-format off
const std::vector<const char*> kFiles = {
    "access", "chdir", "chmod", "chown", "chown32", "close", "close_range", "copy_file_range",
    "creat", "dup", "dup2", "dup3", "faccessat", "faccessat2", "fadvise64", "fadvise64_64",
    "fallocate", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
    "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fremovexattr",
    "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
    "ftruncate64", "futimesat", "getcwd", "getdents", "getdents64", "getxattr", "lchown",
    "lchown32", "lgetxattr", "link", "linkat", "listxattr", "llistxattr", "_llseek", "lremovexattr",
    "lseek", "lsetxattr", "lstat", "lstat64", "mkdir", "mkdirat", "mknod", "mknodat",
    "name_to_handle_at", "newfstatat", "open", "openat", "openat2", "pread64", "preadv", "preadv2",
    "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv",
    "removexattr", "rename", "renameat", "renameat2", "rmdir", "sendfile", "sendfile64", "setxattr",
    "splice", "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync",
    "sync_file_range", "syncfs", "tee", "truncate", "truncate64", "umask", "unlink", "unlinkat",
    "utime", "utimensat", "utimensat_time64", "utimes", "vmsplice", "write", "writev", "cachestat"
};
// clang-format on

// clang-format off
const std::vector<const char*> kEventsAndPolling = {
    "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2",
    "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "fanotify_mark", "inotify_add_watch",
    "inotify_init", "inotify_init1", "inotify_rm_watch", "_newselect", "pipe", "pipe2", "poll",
    "ppoll", "ppoll_time64", "pselect6", "pselect6_time64", "select", "signalfd", "signalfd4",
    "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
    "timerfd_settime64", "io_cancel", "io_destroy", "io_getevents", "io_pgetevents",
    "io_pgetevents_time64", "io_setup", "io_submit", "ioctl"
};
// clang-format on

// clang-format off
const std::vector<const char*> kProcessLife = {
    "capget", "capset", "execve", "execveat", "exit", "exit_group", "fork", "getcpu", "getpgid",
    "getpgrp", "getpid", "getppid", "getpriority", "getrlimit", "get_robust_list", "getrusage",
    "getsid", "get_thread_area", "gettid", "ioprio_get", "ioprio_set", "kill", "membarrier",
    "pidfd_open", "pidfd_send_signal", "prctl", "prlimit64", "process_mrelease", "restart_syscall",
    "rseq", "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max",
    "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
    "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
    "sched_setscheduler", "sched_yield", "seccomp", "setpgid", "setpriority", "setrlimit",
    "set_robust_list", "setsid", "set_thread_area", "set_tid_address", "sysinfo", "tgkill", "times",
    "tkill", "ugetrlimit", "uname", "vfork", "wait4", "waitid", "waitpid", "landlock_add_rule",
    "landlock_create_ruleset", "landlock_restrict_self", "getrandom"
};
// clang-format on

// clang-format off
const std::vector<const char*> kCredentials = {
    "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
    "getgroups32", "getresgid", "getresgid32", "getresuid", "getresuid32", "getuid", "getuid32",
    "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
    "setgroups32", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32",
    "setreuid", "setreuid32", "setuid", "setuid32"
};
// clang-format on

// clang-format off
const std::vector<const char*> kSignalsAndTimers = {
    "alarm", "clock_adjtime", "clock_adjtime64", "adjtimex", "clock_getres", "clock_getres_time64",
    "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "futex",
    "futex_time64", "futex_waitv", "getitimer", "gettimeofday", "nanosleep", "pause",
    "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
    "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "setitimer",
    "sigaltstack", "sigprocmask", "sigreturn", "time", "timer_create", "timer_delete",
    "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64"
};
// clang-format on

// clang-format off
const std::vector<const char*> kMemory = {
    "brk", "madvise", "memfd_create", "memfd_secret", "mincore", "mlock", "mlock2", "mlockall",
    "mmap", "mmap2", "mprotect", "mremap", "msync", "munlock", "munlockall", "munmap", "pkey_alloc",
    "pkey_free", "pkey_mprotect", "remap_file_pages", "map_shadow_stack"
};
// clang-format on

// clang-format off
const std::vector<const char*> kNetworkAndIpc = {
    "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen",
    "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "send", "sendmmsg", "sendmsg",
    "sendto", "setsockopt", "shutdown", "socketcall", "socketpair", "ipc", "msgctl", "msgget",
    "msgrcv", "msgsnd", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "shmat",
    "shmctl", "shmdt", "shmget", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
    "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink"
};
// clang-format on

// Allowed only with a capability: the kernel would refuse most of them anyway, the filter
// keeps their code unreachable.
struct CapabilityGroup {
  const char* capability;
  std::vector<const char*> names;
};

const std::vector<CapabilityGroup> kCapabilityGroups = {
    {"CAP_DAC_READ_SEARCH", {"open_by_handle_at"}},
    {"CAP_SYS_ADMIN",
     {"bpf",           "clone",         "clone3",      "fanotify_init",   "fsconfig",
      "fsmount",       "fsopen",        "fspick",      "lookup_dcookie",  "mount",
      "mount_setattr", "move_mount",    "open_tree",   "perf_event_open", "quotactl",
      "quotactl_fd",   "setdomainname", "sethostname", "setns",           "syslog",
      "umount",        "umount2",       "unshare"}},
    {"CAP_SYS_BOOT", {"reboot"}},
    {"CAP_SYS_CHROOT", {"chroot"}},
    {"CAP_SYS_MODULE", {"delete_module", "init_module", "finit_module"}},
    {"CAP_SYS_PACCT", {"acct"}},
    {"CAP_SYS_PTRACE",
     {"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"}},
    {"CAP_SYS_RAWIO", {"iopl", "ioperm"}},
    {"CAP_SYS_TIME", {"settimeofday", "stime", "clock_settime", "clock_settime64"}},
    {"CAP_SYS_TTY_CONFIG", {"vhangup"}},
    {"CAP_SYS_NICE", {"get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"}},
    {"CAP_SYSLOG", {"syslog"}},
    {"CAP_BPF", {"bpf"}},
    {"CAP_PERFMON", {"perf_event_open"}}};

// Allowed on some architectures only (Go architecture names).
struct ArchGroup {
  std::vector<const char*> arches;
  std::vector<const char*> names;
};

const std::vector<ArchGroup> kArchGroups = {
    {{"amd64", "x32"}, {"arch_prctl"}},
    {{"amd64", "x32", "x86"}, {"modify_ldt"}},
    {{"arm", "arm64"},
     {"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush",
      "set_tls"}},
    {{"ppc64le"}, {"sync_file_range2", "swapcontext"}},
    {{"s390", "s390x"}, {"s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"}},
    {{"riscv64"}, {"riscv_flush_icache"}}};

constexpr uint64_t kNamespaceFlags = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
                                     CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;
constexpr uint64_t kAfVsock = 40;
constexpr uint32_t kEnosys = 38;
constexpr uint32_t kEperm = 1;

// personality(2) values programs use: PER_LINUX, PER_LINUX32, UNAME26, both, and the
// query 0xffffffff. Anything else (e.g. READ_IMPLIES_EXEC) is refused.
constexpr uint64_t kPersonalities[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

// One rule of the profile, Docker format.
struct Rule {
  std::vector<const char*> names;
  const char* action = "SCMP_ACT_ALLOW";
  uint32_t errno_ret = 0;  // with SCMP_ACT_ERRNO; 0: the default errno
  // One argument comparison: args[index] <op> value.
  bool has_arg = false;
  unsigned arg_index = 0;
  uint64_t arg_value = 0;
  const char* arg_op = "";
  std::vector<const char*> include_caps;
  std::vector<const char*> exclude_caps;
  std::vector<const char*> include_arches;
  std::vector<const char*> exclude_arches;
  const char* include_min_kernel = nullptr;
};

Rule Allow(std::vector<const char*> names) {
  Rule r;
  r.names = std::move(names);
  return r;
}

Rule AllowIf(std::vector<const char*> names, unsigned index, uint64_t value, const char* op) {
  Rule r = Allow(std::move(names));
  r.has_arg = true;
  r.arg_index = index;
  r.arg_value = value;
  r.arg_op = op;
  return r;
}

std::vector<Rule> Rules() {
  std::vector<Rule> rules;
  for (const auto* group : {&kFiles, &kEventsAndPolling, &kProcessLife, &kCredentials,
                            &kSignalsAndTimers, &kMemory, &kNetworkAndIpc}) {
    rules.push_back(Allow(*group));
  }
  // ptrace and access to another process's memory: the kernel's own checks (same uid,
  // Yama) suffice since 4.8, where ptrace can no longer be used to bypass seccomp.
  Rule ptrace = Allow({"process_vm_readv", "process_vm_writev", "ptrace"});
  ptrace.include_min_kernel = "4.8";
  rules.push_back(ptrace);
  // Every socket family but AF_VSOCK, which reaches the hypervisor host.
  rules.push_back(AllowIf({"socket"}, 0, kAfVsock, "SCMP_CMP_NE"));
  for (uint64_t persona : kPersonalities) {
    rules.push_back(AllowIf({"personality"}, 0, persona, "SCMP_CMP_EQ"));
  }
  for (const ArchGroup& group : kArchGroups) {
    Rule r = Allow(group.names);
    r.include_arches = group.arches;
    rules.push_back(r);
  }
  for (const CapabilityGroup& group : kCapabilityGroups) {
    Rule r = Allow(group.names);
    r.include_caps = {group.capability};
    rules.push_back(r);
  }
  // Without CAP_SYS_ADMIN: clone only when it makes no namespace ((flags & mask) == 0; the
  // flags are argument 1 on s390), and clone3, whose flags live in memory a filter cannot
  // read, fails with ENOSYS so that the C library falls back to clone.
  Rule clone = AllowIf({"clone"}, 0, kNamespaceFlags, "SCMP_CMP_MASKED_EQ");
  clone.exclude_caps = {"CAP_SYS_ADMIN"};
  clone.exclude_arches = {"s390", "s390x"};
  rules.push_back(clone);
  Rule clone_s390 = AllowIf({"clone"}, 1, kNamespaceFlags, "SCMP_CMP_MASKED_EQ");
  clone_s390.exclude_caps = {"CAP_SYS_ADMIN"};
  clone_s390.include_arches = {"s390", "s390x"};
  rules.push_back(clone_s390);
  Rule clone3;
  clone3.names = {"clone3"};
  clone3.action = "SCMP_ACT_ERRNO";
  clone3.errno_ret = kEnosys;
  clone3.exclude_caps = {"CAP_SYS_ADMIN"};
  rules.push_back(clone3);
  return rules;
}

class Builder {
 public:
  Builder() : doc_(rapidjson::kObjectType) {}

  std::string Build(const std::vector<Rule>& rules) {
    doc_.AddMember("defaultAction", "SCMP_ACT_ERRNO", alloc());
    doc_.AddMember("defaultErrnoRet", kEperm, alloc());
    rapidjson::Value arch_map(rapidjson::kArrayType);
    const std::vector<std::pair<const char*, std::vector<const char*>>> map = {
        {"SCMP_ARCH_X86_64", {"SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
        {"SCMP_ARCH_AARCH64", {"SCMP_ARCH_ARM"}},
        {"SCMP_ARCH_S390X", {"SCMP_ARCH_S390"}},
        {"SCMP_ARCH_PPC64LE", {}},
        {"SCMP_ARCH_RISCV64", {}},
    };
    for (const auto& [arch, subs] : map) {
      rapidjson::Value entry(rapidjson::kObjectType);
      entry.AddMember("architecture", rapidjson::StringRef(arch), alloc());
      entry.AddMember("subArchitectures", Strings(subs), alloc());
      arch_map.PushBack(entry, alloc());
    }
    doc_.AddMember("archMap", arch_map, alloc());
    rapidjson::Value syscalls(rapidjson::kArrayType);
    for (const Rule& rule : rules) syscalls.PushBack(ToJson(rule), alloc());
    doc_.AddMember("syscalls", syscalls, alloc());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc_.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
  }

 private:
  rapidjson::Document::AllocatorType& alloc() { return doc_.GetAllocator(); }

  rapidjson::Value Strings(const std::vector<const char*>& values) {
    rapidjson::Value list(rapidjson::kArrayType);
    for (const char* v : values) list.PushBack(rapidjson::StringRef(v), alloc());
    return list;
  }

  rapidjson::Value Condition(const std::vector<const char*>& caps,
                             const std::vector<const char*>& arches, const char* min_kernel) {
    rapidjson::Value c(rapidjson::kObjectType);
    if (!caps.empty()) c.AddMember("caps", Strings(caps), alloc());
    if (!arches.empty()) c.AddMember("arches", Strings(arches), alloc());
    if (min_kernel != nullptr) c.AddMember("minKernel", rapidjson::StringRef(min_kernel), alloc());
    return c;
  }

  rapidjson::Value ToJson(const Rule& rule) {
    rapidjson::Value out(rapidjson::kObjectType);
    out.AddMember("names", Strings(rule.names), alloc());
    out.AddMember("action", rapidjson::StringRef(rule.action), alloc());
    if (rule.errno_ret != 0) out.AddMember("errnoRet", rule.errno_ret, alloc());
    if (rule.has_arg) {
      rapidjson::Value arg(rapidjson::kObjectType);
      arg.AddMember("index", rule.arg_index, alloc());
      arg.AddMember("value", rule.arg_value, alloc());
      arg.AddMember("op", rapidjson::StringRef(rule.arg_op), alloc());
      rapidjson::Value args(rapidjson::kArrayType);
      args.PushBack(arg, alloc());
      out.AddMember("args", args, alloc());
    }
    if (!rule.include_caps.empty() || !rule.include_arches.empty() ||
        rule.include_min_kernel != nullptr) {
      out.AddMember("includes",
                    Condition(rule.include_caps, rule.include_arches, rule.include_min_kernel),
                    alloc());
    }
    if (!rule.exclude_caps.empty() || !rule.exclude_arches.empty()) {
      out.AddMember("excludes", Condition(rule.exclude_caps, rule.exclude_arches, nullptr),
                    alloc());
    }
    return out;
  }

  rapidjson::Document doc_;
};

}  // namespace

const std::string& BuiltinSeccompProfileJson() {
  static const std::string kProfile = Builder().Build(Rules());
  return kProfile;
}

}  // namespace cria::runtime::spec
