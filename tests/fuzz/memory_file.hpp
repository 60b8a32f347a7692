// A file in memory (memfd) for loaders that take a path: each input is written over the
// last one, so a fuzz target reads its config the way the program does, with no disk I/O.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace skranke::fuzz {

class MemoryFile {
public:
    explicit MemoryFile(const char* name) : fd_(memfd_create(name, MFD_CLOEXEC)) {
        if (fd_ < 0) std::abort();
    }
    ~MemoryFile() { close(fd_); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    // Opening this path opens the memfd afresh, at offset 0.
    std::filesystem::path path() const { return "/proc/self/fd/" + std::to_string(fd_); }

    void write(std::string_view text) {
        if (ftruncate(fd_, 0) != 0) std::abort();
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = pwrite(fd_, text.data() + done, text.size() - done, static_cast<off_t>(done));
            if (n <= 0) std::abort();
            done += static_cast<std::size_t>(n);
        }
    }

private:
    int fd_;
};

}  // namespace skranke::fuzz
