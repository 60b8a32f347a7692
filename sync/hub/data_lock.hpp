// Who is using a hub's data folder. The running hub holds an flock(2) on <data>/hub.lock
// for its whole life, and so does a restore while it replaces the files, so neither starts
// while the other runs. The kernel lets go of it when the process ends, however it ends.
#pragma once

#include <filesystem>
#include <string>

#include "domain/result.hpp"

namespace skranke::hub {

class DataFolderLock {
public:
    // Takes the lock without waiting (the folder and the file are made when missing). The
    // error says another process holds it, or why the lock file cannot be used.
    static Result<DataFolderLock, std::string> take(const std::filesystem::path& data_dir);
    DataFolderLock(DataFolderLock&& other) noexcept;
    DataFolderLock& operator=(DataFolderLock&& other) noexcept;
    ~DataFolderLock();
    DataFolderLock(const DataFolderLock&) = delete;
    DataFolderLock& operator=(const DataFolderLock&) = delete;

private:
    explicit DataFolderLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

inline constexpr const char* data_lock_name = "hub.lock";

}  // namespace skranke::hub
