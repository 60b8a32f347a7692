// A plain TCP connection to a port on 127.0.0.1, for tests and benchmarks that talk to the
// hub below HTTP (raw framings, idle and slow sockets).
#pragma once

namespace skranke::test {

// A connected socket (close it with close(2)); -1 when the connection failed.
int connect_loopback(int port);

}  // namespace skranke::test
