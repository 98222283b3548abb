using System.CommandLine;
using RareEarth.Scenarios;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Cli;

/// <summary>Options and error handling shared by commands.</summary>
internal static class Common
{
    public const int Ok = 0, Failed = 1, InvalidInput = 2;

    public static Argument<string> ScenarioArgument() => new("scenario") { Description = "Scenario file (YAML), e.g. scenarios/controls-2025.yaml" };

    public static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override a parameter: path=value (repeatable), e.g. --set countries.JP.hoarding_gain=1.5",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The seed of one run (run, history).</summary>
    public static Option<int> SeedOption(int def = 1) => new("--seed") { Description = "Seed of the run (the engine's random draws)", DefaultValueFactory = _ => def };

    /// <summary>The master seed of many runs (batch, sweep); <paramref name="what"/> says what is drawn from it.</summary>
    public static Option<int> MasterSeedOption(string what, int def = 1) => new("--seed") { Description = "Master seed: " + what, DefaultValueFactory = _ => def };

    /// <summary>
    /// Loads and compiles; on invalid input prints every problem to stderr and returns null.
    /// An override that replaces a whole subtree (<c>--set 'events=[]'</c>) takes with it the <c>uncertain:</c> entries
    /// below it, which no longer name anything; they are dropped with a note instead of failing the run.
    /// </summary>
    public static CompiledScenario? Load(string path, IEnumerable<string> overrides)
    {
        var list = overrides.ToList();
        try
        {
            return ScenarioCompiler.LoadAndCompile(path, list);
        }
        catch (ScenarioException e)
        {
            var errors = new List<ScenarioError>();
            var doc = ScenarioLoader.Load(path, list, errors);
            var dropped = doc is null ? new List<string>() : DropUncertainUnderReplaced(doc, list);
            CompiledScenario? compiled = null;
            if (dropped.Count > 0)
            {
                compiled = ScenarioCompiler.TryCompile(doc!, errors);
                if (compiled is not null && errors.Count == 0)
                {
                    Console.Error.WriteLine($"note: dropped the uncertain parameter{(dropped.Count == 1 ? "" : "s")} {string.Join(", ", dropped)}: " +
                                            "its path is gone after --set replaced what contained it");
                    return compiled;
                }
            }
            var shown = dropped.Count > 0 ? errors : e.Errors.ToList();
            Console.Error.WriteLine($"error: {path} is not a valid scenario ({shown.Count} problem{(shown.Count == 1 ? "" : "s")}):");
            foreach (var err in shown) Console.Error.WriteLine("  " + err);
            return null;
        }
    }

    /// <summary>Removes the uncertain: entries whose path lies strictly below an overridden path; returns their paths.</summary>
    static List<string> DropUncertainUnderReplaced(ScenarioDocument doc, IReadOnlyList<string> overrides)
    {
        var dropped = new List<string>();
        if (doc.Root.Get("uncertain") is not { Kind: YKind.Map } uncertain) return dropped;
        var replaced = overrides.Where(o => o.IndexOf('=') > 0).Select(o => o[..o.IndexOf('=')].Trim() + ".").ToList();
        foreach (var key in uncertain.Entries.Select(kv => kv.Key).ToList())
            if (replaced.Any(p => key.StartsWith(p, StringComparison.Ordinal)) && ScenarioCompiler.Resolve(doc.Root, key) is not { Kind: YKind.Scalar })
            {
                uncertain.Remove(key);
                dropped.Add(key);
            }
        return dropped;
    }
}
