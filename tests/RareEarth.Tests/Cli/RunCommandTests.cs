using System.Text.Json;

namespace RareEarth.Tests.Cli;

/// <summary>The `run` and `validate` commands as a user calls them.</summary>
public class RunCommandTests
{
    [Fact]
    public void RunWritesTimeseriesSummaryChartsAndTheResolvedScenario()
    {
        var outDir = Path.Combine(CliProcess.TempDir(), "out");
        var (exit, stdout, stderr) = CliProcess.Run("run", TestPaths.Fixture("small-world.yaml"), "--out", outDir, "--seed", "4",
            "--set", "events=[{month: 2021-01, type: export_regime, country: CN, materials: [magnet], to: JP, regime: ban}]");
        Assert.True(exit == 0, stderr);
        Assert.Contains("Price spikes", stdout);
        var lines = File.ReadAllLines(Path.Combine(outDir, "timeseries.csv"));
        Assert.Equal("month,metric,material,country,partner,sector,value,unit", lines[0]);
        Assert.All(lines.Skip(1).Take(500), l => Assert.Equal(8, l.Split(',').Length));
        var metrics = lines.Skip(1).Select(l => l.Split(',')[1]).ToHashSet();
        foreach (var m in new[] { "price", "production", "demand", "consumption", "shortage", "imports", "exports", "inventory", "stockpile", "capacity", "china_share" })
            Assert.Contains(m, metrics);
        Assert.Contains(lines, l => l.StartsWith("2021-06,price,magnet,ROW,"));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Equal(4, summary.RootElement.GetProperty("seed").GetInt32());
        Assert.True(summary.RootElement.GetProperty("shortages").GetArrayLength() > 0);
        Assert.True(summary.RootElement.GetProperty("decoupling").GetArrayLength() > 0);
        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")));
        Assert.Contains("--seed 4", run.RootElement.GetProperty("reproduce").GetString());
        Assert.Contains("regime: ban", File.ReadAllText(Path.Combine(outDir, "scenario.resolved.yaml")));
        Assert.True(File.Exists(Path.Combine(outDir, "charts", "prices.png")));
        Assert.True(File.Exists(Path.Combine(outDir, "charts", "price_magnet.svg")));
        Assert.True(File.Exists(Path.Combine(outDir, "charts", "shortage_magnet.png")));
    }

    [Fact]
    public void TheResolvedScenarioReproducesTheRun()
    {
        var dir = CliProcess.TempDir();
        var a = Path.Combine(dir, "a");
        Assert.Equal(0, CliProcess.Run("run", TestPaths.Fixture("small-world.yaml"), "--out", a, "--seed", "9", "--no-charts",
            "--set", "countries.JP.hoarding_gain=2.5").Exit);
        var b = Path.Combine(dir, "b");
        var (exit, _, err) = CliProcess.Run("run", Path.Combine(a, "scenario.resolved.yaml"), "--out", b, "--seed", "9", "--no-charts");
        Assert.True(exit == 0, err);
        Assert.Equal(File.ReadAllText(Path.Combine(a, "timeseries.csv")), File.ReadAllText(Path.Combine(b, "timeseries.csv")));
    }

    [Fact]
    public void SampledRunIsReproducedByTheCommandInRunJson()
    {
        var dir = CliProcess.TempDir();
        var a = Path.Combine(dir, "a");
        var (exit, stdout, err) = CliProcess.Run("run", TestPaths.Scenario("controls-2025.yaml"), "--sample", "--seed", "5", "--out", a, "--no-charts", "--set", "end=2026-12");
        Assert.True(exit == 0, err);
        Assert.Contains("Sampled: events.0.approval=", stdout);
        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(a, "run.json")));
        var reproduce = run.RootElement.GetProperty("reproduce").GetString()!.Split(' ').Skip(1).ToList(); // drop "run"
        var b = Path.Combine(dir, "b");
        var args = new List<string> { "run" };
        args.AddRange(reproduce);
        args.AddRange(new[] { "--out", b, "--no-charts" });
        var (exit2, _, err2) = CliProcess.Run(args.ToArray());
        Assert.True(exit2 == 0, err2);
        Assert.Equal(File.ReadAllText(Path.Combine(a, "timeseries.csv")), File.ReadAllText(Path.Combine(b, "timeseries.csv")));
        // and a different seed draws different values
        var (_, other, _) = CliProcess.Run("run", TestPaths.Scenario("controls-2025.yaml"), "--sample", "--seed", "6", "--out", Path.Combine(dir, "c"), "--no-charts", "--set", "end=2026-12");
        Assert.NotEqual(stdout.Split('\n')[0], other.Split('\n')[0]);
    }

    [Fact]
    public void InvalidScenarioExitsNonZeroNamesEveryProblemAndWritesNothing()
    {
        var outDir = Path.Combine(CliProcess.TempDir(), "never");
        var (exit, _, stderr) = CliProcess.Run("run", TestPaths.Fixture("bad/many-problems.yaml"), "--out", outDir);
        Assert.Equal(2, exit);
        Assert.Contains("many-problems.yaml:3:", stderr);
        Assert.Contains("did you mean 'capacity'", stderr);
        Assert.Contains("unknown country 'XX'", stderr);
        Assert.Contains("outside the scenario horizon", stderr);
        Assert.False(Directory.Exists(outDir));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(outDir)!));
    }

    [Fact]
    public void ValidateChecksWithoutWriting()
    {
        var (ok, stdout, _) = CliProcess.Run("validate", TestPaths.Scenario("controls-2025.yaml"));
        Assert.Equal(0, ok);
        Assert.Contains("ok:", stdout);
        var (bad, _, stderr) = CliProcess.Run("validate", TestPaths.Fixture("bad/typo-key.yaml"));
        Assert.Equal(2, bad);
        Assert.Contains("typo-key.yaml:3:", stderr);
    }
}
