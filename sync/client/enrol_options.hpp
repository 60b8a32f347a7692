// The options of an `enrol` subcommand, the same for every program that enrols a store with
// the hub (skranke-sync enrol, skranke-notify enrol): the hub's address, the one-time code and
// how the hub's certificate is trusted.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "client/hub_client.hpp"

namespace skranke::sync {

inline void add_enrol_options(CLI::App& enrol, Connection& connection, std::string& code) {
    enrol
        .add_option("--hub", connection.hub_url,
                    "Hub URL, e.g. https://hub.office.local:8470; several hubs of one office separated by commas")
        ->required();
    enrol.add_option("--code", code, "One-time enrolment code")->required();
    enrol.add_option("--ca", connection.ca_file, "CA file (PEM) that signed the hub's certificate");
    enrol.add_option("--pin", connection.pinned_public_key, "Pinned public key of the hub (sha256//...)");
}

}  // namespace skranke::sync
