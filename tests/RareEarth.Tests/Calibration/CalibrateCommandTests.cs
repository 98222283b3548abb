using System.Globalization;
using System.Text.Json.Nodes;
using RareEarth.Runner.Calibration;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Calibration;

/// <summary>The calibrate command end to end on a small synthetic world (seconds), and its inputs' validation.</summary>
[Collection("batch")]
public class CalibrateCommandTests
{
    static (int Exit, string Out, string Err) Calibrate(string world, string targets, string outDir, params string[] more) =>
        CliProcess.Run(new[] { "calibrate", world, "--targets", targets, "--particles", "100", "--generations", "4", "--out", outDir, "--threads", "2" }.Concat(more).ToArray());

    /// <summary>A smaller calibration (50 particles, 3 generations) where only the machinery is tested.</summary>
    static (int Exit, string Out, string Err) Small(string world, string targets, string outDir, params string[] more) =>
        CliProcess.Run(new[] { "calibrate", world, "--targets", targets, "--particles", "50", "--generations", "3", "--out", outDir, "--threads", "2" }.Concat(more).ToArray());

    static double[] Quantiles(string dir, int generation, int parameter, params double[] ps)
    {
        var pop = PopulationFile.Read(Path.Combine(dir, $"population-{generation:00}.json"));
        var x = pop.Theta.Select(r => r[parameter]).ToArray();
        return ps.Select(p => RareEarth.Analysis.WeightedStats.Quantile(x, pop.Weights, p)).ToArray();
    }

    [Fact]
    public void RecoversTheParametersOfASyntheticWorldFromItsOwnOutput()
    {
        var dir = CliProcess.TempDir();
        var (world, targets) = SyntheticWorld.Write(dir);
        var outDir = Path.Combine(dir, "cal");
        var (exit, stdout, stderr) = Calibrate(world, targets, outDir);
        Assert.True(exit == 0, stdout + stderr);
        var approval = Quantiles(outDir, 3, 0, 0.05, 0.95);
        Assert.True(approval[0] <= SyntheticWorld.TrueApproval && SyntheticWorld.TrueApproval <= approval[1],
            $"approval: truth {SyntheticWorld.TrueApproval} outside the 90% interval [{approval[0]:F3}, {approval[1]:F3}]");
        Assert.True(approval[1] - approval[0] < 0.3, $"approval: 90% interval [{approval[0]:F3}, {approval[1]:F3}] hardly narrower than the prior's 0.9");
        var hoarding = Quantiles(outDir, 3, 1, 0.05, 0.95);
        Assert.True(hoarding[0] <= SyntheticWorld.TrueHoarding && SyntheticWorld.TrueHoarding <= hoarding[1],
            $"hoarding gain: truth {SyntheticWorld.TrueHoarding} outside the 90% interval [{hoarding[0]:F3}, {hoarding[1]:F3}]");

        // the overlay and the fit report
        var overlay = Path.Combine(outDir, "overlay.yaml");
        var text = File.ReadAllText(overlay);
        Assert.Contains("extends: ../world.yaml", text);
        Assert.Contains("uncertain:", text);
        Assert.Contains("events.0.approval: {dist: beta", text);
        Assert.Contains("hoarding_gain:", text);
        Assert.DoesNotContain("--set", text);   // the approval sits in a list: the overlay carries the whole list
        var fit = File.ReadAllText(Path.Combine(outDir, "fit.md"));
        Assert.Contains("| japan_imports | imports_magnet_JP_from_CN |", fit);
        Assert.Contains("calibrated", fit);
        foreach (var chart in new[] { "param_events_0_approval.png", "param_countries_JP_hoarding_gain.png", "series_exports_magnet_CN.png", "series_imports_magnet_JP_from_CN.png" })
            Assert.True(new FileInfo(Path.Combine(outDir, "charts", chart)).Length > 5000, chart);

        // run and batch accept the overlay
        var (runExit, runOut, runErr) = CliProcess.Run("run", overlay, "--no-charts", "--out", Path.Combine(dir, "run"));
        Assert.True(runExit == 0, runOut + runErr);
        var resolved = File.ReadAllText(Path.Combine(dir, "run", "scenario.resolved.yaml"));
        Assert.Contains("hoarding_gain: " + Quantiles(outDir, 3, 1, 0.5)[0].ToString("G4", CultureInfo.InvariantCulture), resolved);
        Assert.Contains("approval: " + Quantiles(outDir, 3, 0, 0.5)[0].ToString("G4", CultureInfo.InvariantCulture), resolved);
        var (batchExit, batchOut, batchErr) = CliProcess.Run("batch", overlay, "--runs", "8", "--out", Path.Combine(dir, "b.duckdb"));
        Assert.True(batchExit == 0, batchOut + batchErr);
        var (sqlExit, sqlOut, _) = CliProcess.Run("sql", Path.Combine(dir, "b.duckdb"), "SELECT distribution FROM parameters ORDER BY param_index", "--format", "csv");
        Assert.Equal(0, sqlExit);
        Assert.Contains("beta", sqlOut);
    }

    [Fact]
    public void ResumesAnInterruptedGenerationAndShardsGiveTheSameResult()
    {
        var dir = CliProcess.TempDir();
        var (world, targets) = SyntheticWorld.Write(dir);
        string whole = Path.Combine(dir, "whole"), cut = Path.Combine(dir, "cut"), sharded = Path.Combine(dir, "sharded");
        Assert.Equal(0, Small(world, targets, whole).Exit);

        // an interrupted generation: copy generation 0 and half of generation 1's runs, as a kill leaves them
        Directory.CreateDirectory(cut);
        foreach (var f in new[] { "calibration.json", "gen-00.duckdb", "population-00.json", "gen-01.duckdb" }) File.Copy(Path.Combine(whole, f), Path.Combine(cut, f));
        using (var store = RareEarth.Runner.Store.BatchStore.Open(Path.Combine(cut, "gen-01.duckdb")))
        {
            store.Exec("DELETE FROM series_values WHERE run_index % 2 = 1; DELETE FROM runs WHERE run_index % 2 = 1; UPDATE batch SET finished_at = NULL; CHECKPOINT");
        }
        var (exit, stdout, stderr) = Small(world, targets, cut);
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("resuming gen-01: 100 runs already stored, 100 to run", stdout);

        // a generation in two shards, then the rest in one piece
        var first = Small(world, targets, sharded, "--shard", "0/2");
        Assert.True(first.Exit == 0, first.Out + first.Err);
        Assert.Contains("shard 0/2 of gen-00 complete", first.Out);
        var refused = Small(world, targets, sharded);
        Assert.Equal(2, refused.Exit);
        Assert.Contains("shards 1/2 are missing", refused.Err);
        Assert.Equal(0, Small(world, targets, sharded, "--shard", "1/2").Exit);
        Assert.Equal(0, Small(world, targets, sharded).Exit);

        foreach (var other in new[] { cut, sharded })
            for (int g = 0; g < 3; g++)
                Assert.Equal(File.ReadAllText(Path.Combine(whole, $"population-{g:00}.json")), File.ReadAllText(Path.Combine(other, $"population-{g:00}.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "validation.md")), File.ReadAllText(Path.Combine(cut, "validation.md")));

        // the same folder with other settings is refused
        var other2 = CliProcess.Run("calibrate", world, "--targets", targets, "--particles", "60", "--generations", "3", "--out", whole);
        Assert.Equal(2, other2.Exit);
        Assert.Contains("another particles", other2.Err);
    }

    [Fact]
    public void ATargetsFileWithProblemsIsRefusedWithEveryProblemAtOnce()
    {
        var dir = CliProcess.TempDir();
        var (world, targets) = SyntheticWorld.Write(dir, """
            history: history.csv
            quantile: 2
            fitted:
              - {name: exports, metric: exprots, material: magnet, country: CN, months: 2020-10..2021-08, distance: log_ratio}
              - {name: price, metric: price, material: magnet, country: ROW, months: [2020-10, 2031-01], distance: log_ratoi, weigth: 2}
              - {name: imports, metric: imports, material: magnet, country: JP, partner: CN, months: 2021-01..2021-03, distance: share}
            validation:
              - {name: again, metric: imports, material: magnet, country: JP, partner: CN, months: 2021-03..2021-05, distance: log_ratio}
            """);
        var (exit, stdout, stderr) = CliProcess.Run("calibrate", world, "--targets", targets, "--out", Path.Combine(dir, "cal"));
        Assert.Equal(2, exit);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Contains("targets.yaml:2:", stderr);            // quantile
        Assert.Contains("targets.yaml:4:", stderr);            // exprots
        Assert.Contains("found 'exprots', expected one of price, exports, imports", stderr);
        Assert.Contains("found 2031-01, expected a month with a history point", stderr);
        Assert.Contains("found 'log_ratoi'", stderr);
        Assert.Contains("unknown key", stderr);               // weigth
        Assert.Contains("targets.yaml:8:", stderr);            // the overlap, at the validation target
        Assert.Contains("found imports_magnet_JP_from_CN 2021-03 in validation target 'again' and in fitted target 'imports'", stderr);
        Assert.Contains("expected fitted and validation points to be disjoint", stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "cal")));
        Assert.Equal("", stdout.Trim());
    }

    [Theory]
    [InlineData("controls-2025")]
    [InlineData("japan-2010")]
    public void TheShippedTargetsAreValidDisjointAndFitTheirScenario(string scenario)
    {
        var t = TargetsFile.Load(TestPaths.Scenario($"calibration/{scenario}-targets.yaml"));
        Assert.NotEmpty(t.Fitted);
        Assert.NotEmpty(t.Validation);
        var fitted = t.Fitted.SelectMany(x => x.Points.Select(p => (x.Series, p.Month))).ToHashSet();
        Assert.DoesNotContain(t.Validation.SelectMany(x => x.Points.Select(p => (x.Series, p.Month))), fitted.Contains);
        var setup = CalibrationSetup.Bind(t, RareEarth.Scenarios.ScenarioCompiler.LoadAndCompile(TestPaths.Scenario($"hand-set/{scenario}.yaml")));
        Assert.Equal(t.Targets.Count + 1, setup.Layout.Metrics.Count);
    }

    /// <summary>
    /// The shipped historical scenarios are the calibration overlays of their hand-set versions: each is the hand-set
    /// scenario with every fitted parameter at its posterior median (lists included, e.g. events.0.approval) and
    /// nothing else changed but the name and the fitted distributions under uncertain:.
    /// </summary>
    [Theory]
    [InlineData("controls-2025")]
    [InlineData("japan-2010")]
    public void TheShippedScenarioIsItsHandSetVersionWithTheFittedMedians(string s)
    {
        var path = TestPaths.Scenario($"{s}.yaml");
        var text = File.ReadAllText(path);
        Assert.Contains($"extends: hand-set/{s}.yaml", text);
        Assert.Contains($"{s}-targets.yaml", text);
        Assert.DoesNotContain("--set", text);
        var calibrated = RareEarth.Scenarios.ScenarioCompiler.LoadAndCompile(path);
        var handSetPath = TestPaths.Scenario($"hand-set/{s}.yaml");
        var handSet = RareEarth.Scenarios.ScenarioCompiler.LoadAndCompile(handSetPath);
        Assert.EndsWith(CalibrationOverlay.HandSetSuffix, handSet.Name);
        Assert.Equal(handSet.Name[..^CalibrationOverlay.HandSetSuffix.Length], calibrated.Name);
        Assert.Equal(handSet.Uncertain.Select(p => p.Path), calibrated.Uncertain.Select(p => p.Path));

        // the hand-set scenario with --set path=median for every fitted parameter resolves to the calibrated one
        var medians = calibrated.Uncertain.Select(p => $"{p.Path}={Value(calibrated.Document.Root, p.Path)}").ToList();
        var moved = calibrated.Uncertain.Count(p => Value(calibrated.Document.Root, p.Path) != Value(handSet.Document.Root, p.Path));
        Assert.True(moved >= calibrated.Uncertain.Count / 2, $"only {moved} fitted values differ from the hand-set ones");
        var withMedians = RareEarth.Scenarios.ScenarioCompiler.LoadAndCompile(handSetPath, medians);
        Assert.Equal(Comparable(withMedians.Document.Root), Comparable(calibrated.Document.Root));
    }

    static string Value(RareEarth.Scenarios.Yaml.YNode root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
            node = node.Kind == RareEarth.Scenarios.Yaml.YKind.Seq ? node.Items[int.Parse(part, CultureInfo.InvariantCulture)] : node.Get(part)!;
        return node.Value!;
    }

    static string Comparable(RareEarth.Scenarios.Yaml.YNode root)
    {
        var copy = root.ShallowClone();
        copy.Remove("name");
        copy.Remove("uncertain");
        return new RareEarth.Scenarios.Yaml.ScenarioDocument { Root = copy, Files = [], Overrides = [] }.ToYaml();
    }
}
