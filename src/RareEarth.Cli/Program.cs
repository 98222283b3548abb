using System.CommandLine;
using RareEarth.Cli;

// rareearth: command-line entry point. Each command lives in its own file under Commands/.
var root = new RootCommand("Agent-based simulation of rare-earth trade confrontations (run, validate, batch, sweep, report, export).");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(HistoryCommand.Create());
foreach (var extra in ExtraCommands.Create()) root.Subcommands.Add(extra);
return root.Parse(args).Invoke();
