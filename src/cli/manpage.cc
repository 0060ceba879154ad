// Man pages from the CLI::App (see manpage.h).
#include "cli/manpage.h"

#include <cctype>
#include <cstring>
#include <regex>

#include "core/fs.h"

namespace ksm::cli {

namespace {

const char* kTool = "kubespray-migrate";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool indented(const std::string& line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '\t');
}

std::string bold(const std::string& s) { return "\\fB" + roff_escape(s) + "\\fR"; }
std::string italic(const std::string& s) { return "\\fI" + roff_escape(s) + "\\fR"; }

// The one-line summary of NAME: the description's first sentence, cut at
// its first clause when long ("..., one minor at a time: three-way ...").
std::string summary(const std::string& description) {
  std::string flat;
  for (const auto& l : lines_of(description)) flat += (flat.empty() ? "" : " ") + trim(l);
  // The root's "kubespray-migrate: carry ...": NAME says the name already.
  if (flat.rfind(std::string(kTool) + ": ", 0) == 0) flat = flat.substr(std::strlen(kTool) + 2);
  std::size_t end = flat.size();
  for (std::size_t i = 0; i + 1 < flat.size(); ++i)
    if (flat[i] == '.' && flat[i + 1] == ' ') {
      end = i;
      break;
    }
  std::string s = flat.substr(0, end);
  if (s.size() > 90)
    for (const char* cut : {": ", " (", "; "})
      if (auto at = s.find(cut); at != std::string::npos && at > 40) {
        s = s.substr(0, at);
        break;
      }
  while (!s.empty() && (s.back() == '.' || s.back() == ',' || s.back() == ':')) s.pop_back();
  return s;
}

// Whether --help's line break after `line` is a break in the page too: after
// a sentence or a colon, or before a "Label: " line ("Example: ...",
// "Exit: ..."); a sentence --help wraps at 100 columns is filled instead.
bool keeps_break(const std::string& line, const std::string* next) {
  static const std::regex label(R"(^[A-Z][a-z]+( [a-z]+)?: )");
  if (!line.empty() && std::string(".:)").find(line.back()) != std::string::npos) return true;
  return !next || std::regex_search(*next, label);
}

// Free text as --help shows it: lines filled to the terminal's width, its
// sentences and labelled lines kept apart, indented lines (examples,
// commands) as they are, a blank line as a new paragraph.
std::string render_lines(const std::vector<std::string>& lines) {
  std::string out;
  bool in_literal = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (indented(line) != in_literal) {
      out += in_literal ? ".fi\n.RE\n" : ".RS 4\n.nf\n";
      in_literal = !in_literal;
    }
    if (line.empty())
      out += ".PP\n";
    else if (in_literal)
      out += roff_escape(line.substr(2 <= line.size() && line[1] == ' ' ? 2 : 1)) + "\n";
    else
      out += roff_escape(line) + (keeps_break(line, i + 1 < lines.size() ? &lines[i + 1] : nullptr)
                                      ? "\n.br\n"
                                      : "\n");
  }
  if (in_literal) out += ".fi\n.RE\n";
  return out;
}

// The ENVIRONMENT footer's "  NAME  text" lines (continued by deeper
// indented ones) as a tagged list.
std::string render_environment(const std::vector<std::string>& lines) {
  static const std::regex entry(R"(^ {1,3}([A-Z][A-Z0-9_]*) {2,}(\S.*)$)");
  std::string out;
  for (const auto& line : lines) {
    std::smatch m;
    if (std::regex_match(line, m, entry))
      out += ".TP\n" + bold(m[1]) + "\n" + roff_escape(m[2]) + "\n";
    else if (!trim(line).empty())
      out += roff_escape(trim(line)) + "\n";
  }
  return out;
}

struct Section {
  std::string title;
  std::vector<std::string> lines;
};

// The footer cut at its "Label:" lines: "Example:" starts EXAMPLES,
// "Environment:" ENVIRONMENT; what precedes the first label belongs to the
// description.
std::vector<Section> footer_sections(const std::string& footer) {
  static const std::regex label(R"(^([A-Z][A-Za-z ]*):\s*$)");
  std::vector<Section> out{{"", {}}};
  for (const auto& line : lines_of(footer)) {
    std::smatch m;
    if (std::regex_match(line, m, label)) {
      std::string t = upper(m[1]);
      if (t == "EXAMPLE") t = "EXAMPLES";
      out.push_back({t, {}});
    } else if (!(line.empty() && out.back().lines.empty())) {
      out.back().lines.push_back(line);
    }
  }
  for (auto& s : out)
    while (!s.lines.empty() && s.lines.back().empty()) s.lines.pop_back();
  return out;
}

std::string page_name(const CLI::App& root, const CLI::App& cmd) {
  return &root == &cmd ? kTool : std::string(kTool) + "-" + cmd.get_name();
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

bool is_argument(const CLI::Option* o) { return !o->nonpositional(); }

std::string type_of(const CLI::Option* o) {
  std::string t = o->get_type_name();
  return t.substr(0, t.find(':'));
}

std::string option_names(const CLI::Option* o) {
  std::string out;
  for (const auto& s : o->get_snames()) out += (out.empty() ? "" : ", ") + bold("-" + s);
  for (const auto& l : o->get_lnames()) out += (out.empty() ? "" : ", ") + bold("--" + l);
  if (o->get_items_expected_max() > 0) {
    out += " " + italic(type_of(o));
    if (o->get_expected_max() > 1) out += " ...";
  }
  return out;
}

std::string option_details(const CLI::Option* o) {
  std::vector<std::string> parts;
  std::string t = o->get_type_name();
  if (auto open = t.find('{'); open != std::string::npos) {
    std::string set = t.substr(open + 1, t.rfind('}') - open - 1);
    std::string list;
    for (char c : set) list += c == ',' ? std::string(", ") : std::string(1, c);
    parts.push_back("One of: " + list + ".");
  }
  if (!o->get_default_str().empty()) parts.push_back("Default: " + o->get_default_str() + ".");
  if (o->get_required()) parts.push_back("Required.");
  if (o->get_expected_max() > 1 && o->nonpositional()) parts.push_back("Repeatable.");
  std::string ex;
  for (const CLI::Option* x : o->get_excludes()) {
    std::string n = x->get_lnames().empty() ? x->get_name() : "--" + x->get_lnames().front();
    ex += (ex.empty() ? "" : ", ") + n;
  }
  if (!ex.empty()) parts.push_back("Not with " + ex + ".");
  if (!o->get_envname().empty()) parts.push_back("Environment: " + o->get_envname() + ".");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

std::string synopsis(const CLI::App& root, const CLI::App& cmd) {
  std::string out = ".B " + roff_escape(&root == &cmd ? kTool : std::string(kTool) + " " +
                                                                      cmd.get_name()) +
                    "\n";
  out += "[\\fIOPTIONS\\fR]";
  if (&root == &cmd) return out + " " + italic("COMMAND") + " [\\fIOPTIONS\\fR]\n";
  for (const CLI::Option* o : cmd.get_options()) {
    if (o->get_group().empty()) continue;
    if (is_argument(o)) {
      std::string n = italic(o->get_name());
      if (o->get_expected_max() > 1) n += " ...";
      out += " " + (o->get_required() ? n : "[" + n + "]");
    } else if (o->get_required()) {
      std::string n = o->get_snames().empty() ? "--" + o->get_lnames().front()
                                              : "-" + o->get_snames().front();
      out += " " + bold(n) + (o->get_items_expected_max() > 0 ? " " + italic(type_of(o)) : "");
    }
  }
  return out + "\n";
}

}  // namespace

std::string roff_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\e"; break;
      case '-': out += "\\-"; break;
      case '\'': out += "\\(aq"; break;
      case '`': out += "\\(ga"; break;
      case '~': out += "\\(ti"; break;
      case '^': out += "\\(ha"; break;
      default: out += c;
    }
  }
  if (!out.empty() && out[0] == '.') out = "\\&" + out;
  return out;
}

ManPage man_page(const CLI::App& root, const CLI::App& cmd, const std::string& version) {
  const bool is_root = &root == &cmd;
  ManPage page{page_name(root, cmd), ""};
  std::string& r = page.roff;
  r += ".\\\" Generated at build time from the command-line definitions (kubespray-migrate "
       "__man).\n";
  r += ".TH " + roff_escape(upper(page.name)) + " 1 \"\" \"" + roff_escape(kTool) + " " +
       roff_escape(version) + "\" \"User Commands\"\n";
  r += ".nh\n.ad l\n";  // no hyphenation, ragged right: commands and paths stay whole
  r += ".SH NAME\n" + roff_escape(page.name) + " \\- " +
       roff_escape(summary(cmd.get_description())) + "\n";
  r += ".SH SYNOPSIS\n" + synopsis(root, cmd);

  auto sections = footer_sections(cmd.get_footer());
  r += ".SH DESCRIPTION\n" + render_lines(lines_of(cmd.get_description()));
  if (!sections.front().lines.empty()) r += ".PP\n" + render_lines(sections.front().lines);

  if (is_root) {
    r += ".SH COMMANDS\n";
    for (const CLI::App* sub : visible_subcommands(root))
      r += ".TP\n" + bold(sub->get_name()) + "\n" + roff_escape(summary(sub->get_description())) +
           "; see\n" + bold(page_name(root, *sub)) + "(1).\n";
  }

  std::string args, opts;
  for (const CLI::Option* o : cmd.get_options()) {
    if (o->get_group().empty()) continue;
    std::string details = option_details(o);
    std::string body = render_lines(lines_of(o->get_description())) +
                       (details.empty() ? "" : roff_escape(details) + "\n");
    if (is_argument(o))
      args += ".TP\n" + italic(o->get_name()) + "\n" + body;
    else
      opts += ".TP\n" + option_names(o) + "\n" + body;
  }
  if (!args.empty()) r += ".SH ARGUMENTS\n" + args;
  if (!opts.empty()) r += ".SH OPTIONS\n" + opts;

  for (std::size_t i = 1; i < sections.size(); ++i) {
    r += ".SH " + roff_escape(sections[i].title) + "\n";
    r += sections[i].title == "ENVIRONMENT" ? render_environment(sections[i].lines)
                                            : render_lines(sections[i].lines);
  }

  r += ".SH SEE ALSO\n";
  std::vector<std::string> refs;
  if (!is_root) refs.push_back(kTool);
  for (const CLI::App* sub : visible_subcommands(root))
    if (sub != &cmd) refs.push_back(page_name(root, *sub));
  for (std::size_t i = 0; i < refs.size(); ++i)
    r += bold(refs[i]) + "(1)" + (i + 1 < refs.size() ? "," : "") + "\n";
  return page;
}

std::vector<ManPage> man_pages(const CLI::App& root, const std::string& version) {
  std::vector<ManPage> out{man_page(root, root, version)};
  for (const CLI::App* sub : visible_subcommands(root))
    out.push_back(man_page(root, *sub, version));
  return out;
}

ksm::Status write_man_pages(const CLI::App& root, const std::string& version,
                            const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error("cannot create " + dir.string() + ": " + ec.message());
  for (const auto& p : man_pages(root, version))
    if (auto st = write_file_atomic(dir / (p.name + ".1"), p.roff); !st) return st;
  return {};
}

}  // namespace ksm::cli
