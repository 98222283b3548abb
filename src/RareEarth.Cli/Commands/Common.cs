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
    /// Loads and compiles; on invalid input prints every problem to stderr and returns null. A --set on an uncertain
    /// parameter, or on a section holding one (<c>--set 'events=[]'</c>), fixes it (<see cref="CompiledScenario.Fixed"/>).
    /// </summary>
    public static CompiledScenario? Load(string path, IEnumerable<string> overrides)
    {
        try
        {
            var compiled = ScenarioCompiler.LoadAndCompile(path, overrides.ToList());
            foreach (var p in compiled.Fixed)
                Console.Error.WriteLine($"note: --set fixes {p}: it is declared under uncertain: and is not drawn, the value set is used");
            return compiled;
        }
        catch (ScenarioException e)
        {
            Console.Error.WriteLine($"error: {path} is not a valid scenario ({e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")}):");
            foreach (var err in e.Errors) Console.Error.WriteLine("  " + err);
            return null;
        }
    }
}
