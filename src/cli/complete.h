// Shell completion from the command-line definitions themselves: the bash
// and zsh scripts (completions/) call `kubespray-migrate __complete WORDS...`
// and show what this returns, so that a new subcommand or option completes
// with no change to the scripts. Candidates: subcommands, the options of the
// subcommand typed, an option's choices (CLI::IsMember), release tags for
// the tag options and arguments (--from, --to, --tag, FROM, TO: from
// versions/ in the data folder, or from a clone's tags when --kubespray, or
// KUBESPRAY_DIR where the command reads it, names one), and file names for
// every other value (-i, -o, --kubespray...), which the shell lists itself.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace ksm::cli {

struct Completion {
  bool files = false;  // let the shell complete file and folder names
  std::vector<std::pair<std::string, std::string>> candidates;  // word, short description
};

// The release tags to offer: a clone's when `clone` is not empty, else
// versions/ of the data folder; version order. Empty when neither reads.
using TagLister = std::function<std::vector<std::string>(const std::string& clone)>;
std::vector<std::string> known_tags(const std::string& clone);

// `words`: the command line after the program name; the last one is the
// word being completed ("" right after a space).
Completion complete(const CLI::App& app, const std::vector<std::string>& words,
                    const TagLister& tags = known_tags);

// The protocol the scripts read: ":files" on the first line when the shell
// should complete file names, then one "WORD\tDESCRIPTION" per line.
std::string completion_text(const Completion& c);

}  // namespace ksm::cli
