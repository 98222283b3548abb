using System.CommandLine;
using System.CommandLine.Invocation;

namespace RareEarth.Cli;

/// <summary>
/// Parses and runs a command line so that nothing but one-line messages reaches the user: a command line that
/// does not parse gives "error: ..." and exit code 2; anything a command throws that it did not handle itself
/// gives "error: MESSAGE" and exit code 1. The stack trace is printed only when <see cref="DebugVariable"/> is set.
/// </summary>
internal static class SafetyNet
{
    /// <summary>Set to 1 to see the stack trace of an unexpected error.</summary>
    public const string DebugVariable = "RAREEARTH_DEBUG";

    public static int Invoke(RootCommand root, string[] args)
    {
        try
        {
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction) return ParseErrors(parse);
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            Report(e, Console.Error);
            return Common.Failed;
        }
    }

    /// <summary>Every parse error on its own "error:" line, then where to find the usage; exit code 2.</summary>
    static int ParseErrors(ParseResult parse)
    {
        foreach (var e in parse.Errors) Console.Error.WriteLine("error: " + OneLine(e.Message));
        var path = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            if (r.Command is not RootCommand) path.Insert(0, r.Command.Name);
        Console.Error.WriteLine($"usage: rareearth {string.Join(' ', path.Append("--help"))}");
        return Common.InvalidInput;
    }

    /// <summary>One line "error: ..." for an exception nobody handled (the trace too when RAREEARTH_DEBUG is set).</summary>
    public static void Report(Exception e, TextWriter err)
    {
        var inner = e;
        while (inner is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && inner.InnerException is not null)
            inner = inner.InnerException;
        err.WriteLine("error: " + OneLine(inner.Message) + (Debugging ? "" : $" (set {DebugVariable}=1 for details)"));
        if (Debugging) err.WriteLine(e);
    }

    static bool Debugging => Environment.GetEnvironmentVariable(DebugVariable) is { Length: > 0 } v && v != "0";

    static string OneLine(string message) =>
        string.Join("; ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
