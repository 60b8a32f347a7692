#include "hub/status_page.hpp"

#include <algorithm>
#include <vector>


namespace skranke::hub {
namespace {


bool right_to_left(std::string_view language) {
    for (const std::string_view rtl : {"ar", "fa", "he", "ur", "ps", "ckb"})
        if (language == rtl) return true;
    return false;
}

// Dark text on white, one column, sizes in rem so the phone's own text size setting counts.
// Old browsers: no grid, no variables, no JavaScript.
constexpr std::string_view style = R"css(
html{font-size:137.5%}
body{margin:0;padding:1rem;background:#fff;color:#000;font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;line-height:1.4}
h1{font-size:1.2rem;font-weight:normal;margin:0 0 .2rem}
.number{font-size:4rem;font-weight:bold;letter-spacing:.05em;margin:0 0 1rem;white-space:nowrap}
.box{border:.2rem solid #000;border-radius:.4rem;padding:.8rem;margin:0 0 1rem}
.called{background:#064d1b;color:#fff;border-color:#064d1b}
.called .big{font-size:2.2rem;font-weight:bold;margin:0}
.closed{background:#f0f0f0}
p{margin:0 0 .6rem}
.figure{font-size:1.3rem;font-weight:bold}
.small{font-size:.85rem;color:#222}
)css";

std::string page(std::string_view language, std::string_view title, std::string_view body, bool refresh) {
    std::string html;
    html.reserve(2048 + body.size());
    html += "<!DOCTYPE html>\n<html lang=\"";
    html += html_escaped(language);
    html += "\"";
    if (right_to_left(language)) html += " dir=\"rtl\"";
    html += ">\n<head>\n<meta charset=\"utf-8\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<meta name=\"robots\" content=\"noindex, nofollow\">\n";
    html += "<meta name=\"referrer\" content=\"no-referrer\">\n";
    if (refresh) html += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(status_refresh_seconds) + "\">\n";
    html += "<title>";
    html += title;
    html += "</title>\n<style>";
    html += style;
    html += "</style>\n</head>\n<body>\n";
    html += body;
    html += "</body>\n</html>\n";
    return html;
}

}  // namespace

std::string html_escaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

Result<StatusTexts, std::string> load_status_texts(const std::filesystem::path& translations_dir) {
    return TextTable::load(translations_dir, {"status."});
}

std::string status_page_html(const StatusTexts& texts, const TicketStatus& status) {
    const std::string& lang = status.language;
    const auto t = [&](std::string_view key) { return html_escaped(texts.text(lang, key)); };
    const std::string number = html_escaped(status.number);
    std::string body;
    body += "<h1>" + t("status.your_number") + "</h1>\n";
    body += "<p class=\"number\">" + number + "</p>\n";
    bool open = true;
    switch (status.state) {
        case TicketState::called:
            body += "<div class=\"box called\">\n<p class=\"big\">" + t("status.called") + "</p>\n";
            body += "<p class=\"big\">" + fill_slots(t("status.go_to_counter"), {{"counter", html_escaped(status.counter)}}) +
                    "</p>\n</div>\n";
            break;
        case TicketState::served:
        case TicketState::no_show:
        case TicketState::cancelled: {
            // Nothing will change any more: said plainly, and no refresh.
            const char* key = status.state == TicketState::served    ? "status.served"
                              : status.state == TicketState::no_show ? "status.no_show"
                                                                     : "status.cancelled";
            body += "<div class=\"box closed\"><p class=\"figure\">" + t(key) + "</p></div>\n";
            open = false;
            break;
        }
        case TicketState::waiting:
        case TicketState::transferred:
            body += "<div class=\"box\">\n";
            if (status.callback) {
                body += "<p class=\"figure\">" + t("status.callback") + "</p>\n";
            } else if (!status.people_ahead) {
                body += "<p class=\"figure\">" + t("status.waiting") + "</p>\n";
            } else if (*status.people_ahead == 0) {
                body += "<p class=\"figure\">" + t("status.first") + "</p>\n";
            } else {
                body += "<p class=\"figure\">" +
                        fill_slots(t("status.people_ahead"), {{"count", std::to_string(*status.people_ahead)}}) + "</p>\n";
                if (status.wait_minutes)
                    body += "<p class=\"figure\">" +
                            fill_slots(html_escaped(texts.counted(lang, "status.wait", *status.wait_minutes)),
                                       {{"minutes", std::to_string(*status.wait_minutes)}}) + "</p>\n";
                else
                    body += "<p>" + t("status.wait_unknown") + "</p>\n";
            }
            if (!status.callback) body += "<p>" + t("status.watch_screen") + "</p>\n";
            body += "</div>\n";
            break;
    }
    if (open) body += "<p class=\"small\">" + t("status.refresh") + "</p>\n";
    if (!status.updated.empty())
        body += "<p class=\"small\">" + fill_slots(t("status.updated"), {{"time", html_escaped(status.updated)}}) + "</p>\n";
    return page(lang.empty() ? "nb" : lang, t("status.title") + " " + number, body, open);
}

std::string unknown_ticket_html(const StatusTexts& texts) {
    std::string body;
    for (const char* lang : {"nb", "en"}) {
        body += "<div class=\"box closed\" lang=\"" + std::string(lang) + "\">\n<p class=\"figure\">" +
                html_escaped(texts.text(lang, "status.unknown")) + "</p>\n<p>" +
                html_escaped(texts.text(lang, "status.unknown_help")) + "</p>\n</div>\n";
    }
    return page("nb", html_escaped(texts.text("nb", "status.title")), body, false);
}

std::string too_many_requests_html(const StatusTexts& texts) {
    std::string body;
    for (const char* lang : {"nb", "en"})
        body += "<div class=\"box closed\" lang=\"" + std::string(lang) + "\"><p class=\"figure\">" +
                html_escaped(texts.text(lang, "status.too_many")) + "</p></div>\n";
    return page("nb", html_escaped(texts.text("nb", "status.title")), body, false);
}

}  // namespace skranke::hub
