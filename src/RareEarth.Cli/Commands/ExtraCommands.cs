using System.CommandLine;

namespace RareEarth.Cli;

/// <summary>Batch-related commands (batch, sweep, export, report), registered here.</summary>
internal static class ExtraCommands
{
    public static IEnumerable<Command> Create() => BatchCommands.Create();
}
