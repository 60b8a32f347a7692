#include "shell/speech.hpp"

#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

extern char** environ;

namespace skranke::ui {

EspeakSpeaker::~EspeakSpeaker() { stop(); }

void EspeakSpeaker::say(const std::string& voice, const std::string& text, int volume_percent) {
    stop();
    if (voice.empty() || text.empty()) return;
    // espeak-ng amplitude is 0-200 with 100 as normal. The text goes through stdin so no
    // text can be mistaken for an option.
    std::string amplitude = std::to_string(std::clamp(volume_percent, 0, 100) * 2);
    std::string program = program_, voice_flag = "-v", voice_arg = voice, amp_flag = "-a";
    char* argv[] = {program.data(), voice_flag.data(), voice_arg.data(), amp_flag.data(), amplitude.data(), nullptr};
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    if (posix_spawnp(&pid, program_.c_str(), &actions, nullptr, argv, environ) == 0) child_ = pid;
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[0]);
    // Screens hold a few hundred bytes: one write fits the pipe buffer and cannot block.
    if (child_ > 0) {
        const ssize_t written = write(pipe_fds[1], text.data(), text.size());
        (void)written;
    }
    close(pipe_fds[1]);
}

void EspeakSpeaker::stop() {
    if (child_ <= 0) return;
    kill(child_, SIGTERM);
    waitpid(child_, nullptr, 0);
    child_ = -1;
}

bool EspeakSpeaker::speaking() {
    if (child_ <= 0) return false;
    if (waitpid(child_, nullptr, WNOHANG) == child_) {
        child_ = -1;
        return false;
    }
    return true;
}

}  // namespace skranke::ui
