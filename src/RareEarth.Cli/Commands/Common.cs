using System.CommandLine;
using RareEarth.Scenarios;

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

    public static Option<int> SeedOption(int def = 1) => new("--seed") { Description = "Seed of the run (or master seed of a batch)", DefaultValueFactory = _ => def };

    /// <summary>Loads and compiles; on invalid input prints every problem to stderr and returns null.</summary>
    public static CompiledScenario? Load(string path, IEnumerable<string> overrides)
    {
        try
        {
            return ScenarioCompiler.LoadAndCompile(path, overrides);
        }
        catch (ScenarioException e)
        {
            Console.Error.WriteLine($"error: {path} is not a valid scenario ({e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")}):");
            foreach (var err in e.Errors) Console.Error.WriteLine("  " + err);
            return null;
        }
    }
}
