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

int EspeakSpeaker::spawn(std::vector<std::string> args, const std::string& text, int stdin_fd, int stdout_fd) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Close-on-exec: a child keeps only its stdin and stdout, so aplay sees the end of
    // espeak-ng's sound when espeak-ng ends, and no child holds another's pipe open.
    int text_pipe[2] = {-1, -1};
    if (stdin_fd < 0 && pipe2(text_pipe, O_CLOEXEC) != 0) return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd >= 0 ? stdin_fd : text_pipe[0], STDIN_FILENO);
    if (stdout_fd >= 0)
        posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    if (posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    if (text_pipe[0] >= 0) {
        close(text_pipe[0]);
        // Screens hold a few hundred bytes: one write fits the pipe buffer and cannot block.
        if (pid > 0 && !text.empty()) {
            const ssize_t written = write(text_pipe[1], text.data(), text.size());
            (void)written;
        }
        close(text_pipe[1]);
    }
    return pid;
}

void EspeakSpeaker::say_on(Output output, const std::string& voice, const std::string& text, int volume_percent) {
    stop(output);
    if (voice.empty() || text.empty()) return;
    if (output == Output::headset && headset_device_.empty()) return;  // never to the room instead
    // espeak-ng amplitude is 0-200 with 100 as normal. The text goes through stdin so no
    // text can be mistaken for an option.
    const std::string amplitude = std::to_string(std::clamp(volume_percent, 0, 100) * 2);
    if (output == Output::room) {
        if (const int pid = spawn({program_, "-v", voice, "-a", amplitude}, text); pid > 0) room_.push_back(pid);
        return;
    }
    // espeak-ng writes the sound to a pipe and aplay plays it on the headset: both are our
    // children, so stop() ends both at once.
    int sound[2];
    if (pipe2(sound, O_CLOEXEC) != 0) return;
    const int player = spawn({sound_program_, "-q", "-D", headset_device_}, {}, sound[0]);
    close(sound[0]);
    const int speaker = player > 0 ? spawn({program_, "-v", voice, "-a", amplitude, "--stdout"}, text, -1, sound[1]) : -1;
    close(sound[1]);
    for (const int pid : {player, speaker})
        if (pid > 0) headset_.push_back(pid);
}

void EspeakSpeaker::play_on(Output output, const std::vector<std::string>& wav_files, int volume_percent) {
    stop(output);
    if (wav_files.empty() || volume_percent <= 0) return;
    if (output == Output::headset && headset_device_.empty()) return;
    // One aplay plays the files one after another.
    std::vector<std::string> args{sound_program_, "-q"};
    if (output == Output::headset) args.insert(args.end(), {"-D", headset_device_});
    args.insert(args.end(), wav_files.begin(), wav_files.end());
    if (const int pid = spawn(std::move(args), {}); pid > 0) children(output).push_back(pid);
}

void EspeakSpeaker::play_sound(const std::string& wav_file, int volume_percent) {
    stop();
    if (!wav_file.empty()) play_on(Output::room, {wav_file}, volume_percent);
}

bool EspeakSpeaker::write_wav(const std::string& voice, const std::string& text, const std::string& wav_file) {
    const int pid = spawn({program_, "-v", voice, "-w", wav_file}, text);
    if (pid <= 0) return false;
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void EspeakSpeaker::stop(Output output) {
    auto& pids = children(output);
    for (const int pid : pids) kill(pid, SIGTERM);
    for (const int pid : pids) waitpid(pid, nullptr, 0);
    pids.clear();
}

void EspeakSpeaker::stop() {
    stop(Output::room);
    stop(Output::headset);
}

bool EspeakSpeaker::speaking() {
    for (auto* pids : {&room_, &headset_})
        std::erase_if(*pids, [](int pid) { return waitpid(pid, nullptr, WNOHANG) == pid; });
    return !room_.empty() || !headset_.empty();
}

}  // namespace skranke::ui
