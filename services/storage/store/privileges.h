// What this process may do, for choices the store makes at start.
#pragma once

namespace cria::storage::store {

// True when the effective capability set holds CAP_MKNOD (device nodes can be made).
bool CanMakeDevices();

}  // namespace cria::storage::store
