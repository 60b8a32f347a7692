#include "shell/speech.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include <algorithm>

extern char** environ;

namespace skranke::ui {

EspeakSpeaker::~EspeakSpeaker() {
    stop();
}

int EspeakSpeaker::spawn(std::vector<std::string> args, const std::string& text) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    if (posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[0]);
    // Screens hold a few hundred bytes: one write fits the pipe buffer and cannot block.
    if (pid > 0 && !text.empty()) {
        const ssize_t written = write(pipe_fds[1], text.data(), text.size());
        (void)written;
    }
    close(pipe_fds[1]);
    return pid;
}

void EspeakSpeaker::say(const std::string& voice, const std::string& text, int volume_percent) {
    stop();
    if (voice.empty() || text.empty()) return;
    // espeak-ng amplitude is 0-200 with 100 as normal. The text goes through stdin so no
    // text can be mistaken for an option.
    const std::string amplitude = std::to_string(std::clamp(volume_percent, 0, 100) * 2);
    child_ = spawn({program_, "-v", voice, "-a", amplitude}, text);
}

void EspeakSpeaker::play_sound(const std::string& wav_file, int volume_percent) {
    stop();
    if (wav_file.empty() || volume_percent <= 0) return;
    child_ = spawn({sound_program_, "-q", wav_file}, "");
}

bool EspeakSpeaker::write_wav(const std::string& voice, const std::string& text, const std::string& wav_file) {
    const int pid = spawn({program_, "-v", voice, "-w", wav_file}, text);
    if (pid <= 0) return false;
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
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
