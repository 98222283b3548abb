using System.CommandLine;
using RareEarth.Runner.Output;

namespace RareEarth.Cli;

/// <summary>Errors of commands that write an output folder: one line each, nothing half-written left behind.</summary>
internal static class Writing
{
    public static Option<bool> ForceOption() => new("--force")
    {
        Description = "Write into a folder that holds other files: only rareearth's own files there are written or replaced; nothing else is touched",
    };

    /// <summary>
    /// Runs <paramref name="body"/>: an output path that cannot be used ends it with "error: ..." and exit code 2;
    /// a write that fails (read-only folder, full disk) with "error: cannot write ..." and exit code 1.
    /// </summary>
    public static int Guard(string dir, Func<int> body)
    {
        try { return body(); }
        catch (OutputPathException e)
        {
            Console.Error.WriteLine("error: " + OneLine(e.Message));
            return Common.InvalidInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write {dir}: {OneLine(e.Message)}");
            return Common.Failed;
        }
    }

    public static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
