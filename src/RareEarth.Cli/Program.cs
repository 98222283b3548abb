using System.CommandLine;
using RareEarth.Cli;

// rareearth: command-line entry point. Each command lives in its own file under Commands/.
var root = new RootCommand(
    "Agent-based simulation of rare-earth trade confrontations. One run: run, validate, history. " +
    "Many runs into a DuckDB results store: batch, sweep, merge; on a Slurm cluster: cluster. Fitting to history: calibrate. Reading a store: report, compare, export, sql. In a browser: serve. " +
    "'rareearth help COMMAND' (or 'rareearth COMMAND --help') describes a command.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(HistoryCommand.Create());
foreach (var extra in ExtraCommands.Create()) root.Subcommands.Add(extra);
root.Subcommands.Add(ClusterCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(CalibrateCommand.Create());
root.Subcommands.Add(HelpCommand.Create(root));
return SafetyNet.Invoke(root, args);
