// What readers of the hub's log see: the tail is the newest entries in order without gaps,
// however the batches came, and the fold a reader gets is the writer's, however many
// commits changed it since the last full copy.
#include <doctest/doctest.h>

#include "domain/office_time.hpp"
#include "hub/log_snapshot.hpp"
#include "support/sample_events.hpp"

using namespace skranke;
using namespace skranke::hub;
using namespace skranke::test;

namespace {

std::vector<std::shared_ptr<const TailEntry>> entries(std::int64_t first, std::int64_t count) {
    std::vector<std::shared_ptr<const TailEntry>> out;
    for (std::int64_t seq = first; seq < first + count; ++seq)
        out.push_back(std::make_shared<const TailEntry>(
            protocol::LogEntry{seq, 1000 + seq, std::nullopt, issued_event("kiosk-a", seq, 1000).dump()}));
    return out;
}

// Every entry from first to last is found, in place, and nothing outside.
void check_holds(const LogTail& tail, std::int64_t first, std::int64_t last) {
    CHECK(tail.first_seq() == first);
    CHECK(tail.last_seq() == last);
    CHECK(tail.find(first - 1) == nullptr);
    CHECK(tail.find(last + 1) == nullptr);
    for (std::int64_t seq = first; seq <= last; ++seq) {
        const TailEntry* entry = tail.find(seq);
        REQUIRE(entry != nullptr);
        CHECK(entry->hub_seq() == seq);
    }
}

}  // namespace

TEST_CASE("the tail holds the newest entries in order, whatever the sizes of the batches") {
    LogTail tail;
    std::int64_t next = 1;
    // Batches of 1, of a chunk and a bit, and of many chunks, past the capacity several times.
    for (const std::int64_t size : {1, 1, 63, 1, 65, 500, 7, 4096, 3, 1000, 129}) {
        const LogTail before = tail;
        tail = tail.appended(entries(next, size));
        next += size;
        CAPTURE(next);
        const std::int64_t last = next - 1;
        const auto held = static_cast<std::size_t>(last - tail.first_seq() + 1);
        CHECK(held >= std::min<std::size_t>(static_cast<std::size_t>(last), LogTail::capacity));
        CHECK(held <= LogTail::capacity + 64);
        check_holds(tail, tail.first_seq(), last);
        // A published tail never changes: the one before still holds what it held.
        if (before.last_seq() != 0) check_holds(before, before.first_seq(), last - size);
    }
}

TEST_CASE("entries that do not follow on start a new tail; retention takes whole chunks from the front") {
    LogTail tail = LogTail().appended(entries(1, 200));
    const LogTail restarted = tail.appended(entries(500, 3));
    check_holds(restarted, 500, 502);

    const LogTail trimmed = tail.without_through(70);  // chunks of 64: 1-64 and 65-128 hold entries up to 70
    check_holds(trimmed, 129, 200);
    check_holds(tail, 1, 200);
    const LogTail emptied = tail.without_through(200);
    CHECK(emptied.first_seq() == 0);
    CHECK(emptied.find(200) == nullptr);
    check_holds(emptied.appended(entries(201, 2)), 201, 202);
}

TEST_CASE("a tail entry is sent whole to staff and without personal fields to everyone else") {
    const auto entry = entries(7, 1).front();
    const auto full = nlohmann::json::parse(entry->json(true));
    const auto redacted = nlohmann::json::parse(entry->json(false));
    CHECK(full["hub_seq"] == 7);
    CHECK(full["event"]["ticket"]["name"] != "");
    CHECK(redacted["hub_seq"] == 7);
    CHECK(redacted["event"]["ticket"]["name"] == "");
    CHECK(redacted["event"]["ticket"]["phone"] == "");
    CHECK(redacted["event"]["ticket"]["description"] == "");
    CHECK(redacted["event"]["event_id"] == full["event"]["event_id"]);
}

TEST_CASE("the fold a reader gets is the writer's after every commit, across fresh copies") {
    QueueState writer;
    FoldSnapshot published;
    const std::int64_t now = 1'700'000'000'000;
    std::int64_t hub_seq = 0;
    std::vector<std::string> issued_ids;
    // Commits of one ticket and of hundreds, each with a call, so changes pile up and copies renew.
    for (int commit = 0; commit < 80; ++commit) {
        FoldSnapshot::Changes changes;
        const int issued = commit % 10 == 9 ? 300 : 1;
        for (int i = 0; i < issued; ++i) {
            const Event event = issued_typed("kiosk-a", static_cast<std::int64_t>(issued_ids.size()) + 1, now);
            issued_ids.push_back(ticket_id_of(event));
            REQUIRE_FALSE(writer.apply(event, EventMeta{++hub_seq, now, std::nullopt}));
            changes.emplace_back(issued_ids.back(), writer.shared(issued_ids.back()));
        }
        if (issued_ids.size() >= 2) {
            const std::string called = issued_ids[issued_ids.size() - 2];
            REQUIRE_FALSE(writer.apply(staff_typed("ticket.called", "desk-1", commit + 1, called, now),
                                       EventMeta{++hub_seq, now, std::nullopt}));
            changes.emplace_back(called, writer.shared(called));
        }
        published = published.with(std::move(changes), writer);
        const QueueState& read = *published.state();
        CAPTURE(commit);
        REQUIRE(read.tickets().size() == writer.tickets().size());
        std::size_t differing = 0;
        for (const auto& [id, ticket] : writer.tickets()) {
            const QueueTicket* seen = read.find(id);
            if (seen == nullptr || seen->state != ticket.state || seen->called_by != ticket.called_by) ++differing;
        }
        CHECK(differing == 0);
    }
}

// Compares the whole fold a reader gets with the writer's, ticket by ticket.
std::size_t differing_tickets(const QueueState& writer, const QueueState& read) {
    std::size_t differing = writer.tickets().size() == read.tickets().size() ? 0 : 1;
    for (const auto& [id, ticket] : writer.tickets()) {
        const QueueTicket* seen = read.find(id);
        if (seen == nullptr || seen->state != ticket.state || seen->called_by != ticket.called_by) ++differing;
    }
    return differing;
}

TEST_CASE("unread changes pile up to the limit, then the writer's copy; a reader's fold is shared and becomes the base") {
    QueueState writer;
    FoldSnapshot published;
    const std::int64_t now = 1'700'000'000'000;
    std::int64_t hub_seq = 0;
    std::int64_t device_seq = 0;
    const std::size_t per_commit = 500;
    // Nobody reads while more tickets arrive than the limit allows unread: every snapshot on
    // the way still reads right when asked at the end, and so does each one kept meanwhile.
    std::vector<FoldSnapshot> kept;
    const std::size_t commits = FoldSnapshot::unread_limit(0) / per_commit + 3;
    for (std::size_t commit = 0; commit < commits; ++commit) {
        FoldSnapshot::Changes changes;
        for (std::size_t i = 0; i < per_commit; ++i) {
            const Event event = issued_typed("kiosk-a", ++device_seq, now);
            REQUIRE_FALSE(writer.apply(event, EventMeta{++hub_seq, now, std::nullopt}));
            changes.emplace_back(ticket_id_of(event), writer.shared(ticket_id_of(event)));
        }
        published = published.with(std::move(changes), writer);
        if (commit % 7 == 0) kept.push_back(published);
    }
    CHECK(differing_tickets(writer, *published.state()) == 0);
    std::size_t expected = 0;
    for (const FoldSnapshot& old : kept) {
        expected += per_commit * 7;
        CHECK(old.state()->tickets().size() == std::min(expected - per_commit * 6, writer.tickets().size()));
    }

    // Two readers of one snapshot share one fold; the next commit builds on it.
    const auto first = published.state();
    CHECK(published.state() == first);
    const Event call = staff_typed("ticket.called", "desk-1", 1, writer.tickets().begin()->first, now);
    REQUIRE_FALSE(writer.apply(call, EventMeta{++hub_seq, now, std::nullopt}));
    FoldSnapshot::Changes called;
    called.emplace_back(writer.tickets().begin()->first, writer.shared(writer.tickets().begin()->first));
    const FoldSnapshot next = published.with(std::move(called), writer);
    CHECK(differing_tickets(writer, *next.state()) == 0);
    CHECK(first->find(writer.tickets().begin()->first)->state == TicketState::waiting);  // the earlier fold is kept as it was
    CHECK_FALSE(next.worth_making());
}
