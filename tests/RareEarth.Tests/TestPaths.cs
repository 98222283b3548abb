namespace RareEarth.Tests;

/// <summary>Finds the repository's folders from the test binaries, wherever the tests run.</summary>
public static class TestPaths
{
    public static string Root { get; } = FindRoot();

    public static string Scenario(string name) => Path.Combine(Root, "scenarios", name);
    public static string Fixture(string name) => Path.Combine(Root, "tests", "RareEarth.Tests", "Fixtures", name);

    /// <summary>The shipped scenarios: the historical ones calibrated (the defaults) and hand-set.</summary>
    public static readonly string[] ShippedScenarios = { "baseline.yaml", "controls-2025.yaml", "japan-2010.yaml", "hand-set/controls-2025.yaml", "hand-set/japan-2010.yaml" };

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulation.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Simulation.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Writes a scenario that extends a fixture with extra YAML, returns its path.</summary>
    public static string Variant(string fixture, string extraYaml)
    {
        var dir = Path.Combine(Path.GetTempPath(), "rareearth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "variant.yaml");
        File.WriteAllText(path, $"extends: {Fixture(fixture)}\n{extraYaml}");
        return path;
    }
}
