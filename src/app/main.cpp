// aitrapp: command-line entry point. Parses arguments and hands over to the app's sessions.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/paper_session.hpp"

int main(int argc, char** argv) {
  CLI::App app{"AITRAPP intraday trading engine"};
  app.require_subcommand(1);

  aitrapp::PaperOptions paper;
  std::string speed = "max";
  auto* cmd = app.add_subcommand(
      "paper", "Replay one trading day in PAPER mode against the simulated venue");
  cmd->add_option("--data", paper.data, "CSV file or directory of CSV files (repeatable)")
      ->required();
  cmd->add_option("--db", paper.db, "SQLite store file (resumes the day if it holds a checkpoint)");
  cmd->add_option("--summary-json", paper.summary_json,
                  "Write the day summary as JSON to this file");
  cmd->add_option("--config", paper.config_path,
                  "YAML configuration (default: the embedded configs/app.yaml)");
  cmd->add_option("--speed", speed, "'max' or simulated seconds per wall-clock second");
  cmd->add_flag("--progress", paper.progress, "Print progress every 30 simulated minutes");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (speed != "max") {
    try {
      size_t used = 0;
      paper.speed = std::stod(speed, &used);
      if (used != speed.size() || paper.speed <= 0) throw std::invalid_argument("speed");
    } catch (const std::exception&) {
      std::cerr << "error: --speed must be 'max' or a positive number, got '" << speed << "'\n";
      return 2;
    }
  }
  return aitrapp::run_paper(paper, std::cout, std::cerr);
}
