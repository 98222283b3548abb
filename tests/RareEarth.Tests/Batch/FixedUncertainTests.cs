using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;
using RareEarth.Scenarios;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Batch;

/// <summary>
/// A --set on a parameter declared under uncertain: fixes it for the batch (it is no longer sampled), and a batch
/// whose runs all fail says so and exits 1.
/// </summary>
[Collection("batch")]
public class FixedUncertainTests
{
    const string Lever = "countries.JP.hoarding_gain";

    [Fact]
    public void TwoBatchesDifferingOnlyBySettingAnUncertainParameterGiveDifferentOutcomes()
    {
        var a = BatchScenario.Load(BatchKit.Controls, BatchKit.Short.Append($"{Lever}=0").ToArray());
        Assert.Equal(new[] { Lever }, a.Fixed);
        Assert.DoesNotContain(a.Nominal.Uncertain, p => p.Path == Lever);
        Assert.DoesNotContain(Lever, a.Text[a.Text.IndexOf("uncertain:", StringComparison.Ordinal)..]);

        var dbA = BatchKit.RunSampled(DesignKind.LatinHypercube, 6, 5, threads: 2, BatchKit.Short.Append($"{Lever}=0").ToArray());
        var dbB = BatchKit.RunSampled(DesignKind.LatinHypercube, 6, 5, threads: 2, BatchKit.Short.Append($"{Lever}=3").ToArray());
        using var storeA = BatchStore.Open(dbA, readOnly: true);
        using var storeB = BatchStore.Open(dbB, readOnly: true);
        var planA = storeA.ReadPlan();
        var planB = storeB.ReadPlan();
        // the same seeds and the same draws of the other seven parameters: only the lever differs
        Assert.Equal(7, planA.Parameters.Count);
        Assert.Equal(planA.Seeds, planB.Seeds);
        Assert.Equal(planA.Values, planB.Values);
        // Japan's own hoarding shows in the price of its own market (it splits off when its supplies are cut)
        const string sql = "SELECT peak_market_price_multiple_JP_dy_oxide FROM runs WHERE status = 'ok' ORDER BY run_index";
        var outA = storeA.Rows(sql).Select(r => (double)r[0]!).ToList();
        var outB = storeB.Rows(sql).Select(r => (double)r[0]!).ToList();
        Assert.Equal(6, outA.Count);
        // the lever moves the outcome in every run (its direction depends on timing: hoarding before the April controls
        // buffers them, hoarding during them bids the price up)
        Assert.All(outA.Zip(outB), x => Assert.True(Math.Abs(x.First - x.Second) > 1e-6, $"no hoarding {x.First} vs strong hoarding {x.Second}"));
    }

    [Fact]
    public void TheConsoleSaysWhichUncertainParameterASetFixes()
    {
        var db = Path.Combine(CliProcess.TempDir(), "fixed.duckdb");
        var (exit, stdout, err) = CliProcess.Run("batch", "scenarios/controls-2025.yaml", "--runs", "2", "--threads", "1", "--out", db,
            "--set", "end=2025-06", "--set", $"{Lever}=2.5", "--set", "events=[]");
        Assert.True(exit == 0, err);
        Assert.Contains($"note: --set fixes {Lever} for this batch", stdout);
        Assert.Contains("note: --set fixes events.0.approval for this batch", stdout);
        Assert.Contains("6 parameters", stdout);
    }

    [Fact]
    public void ABatchWithAValueTheEngineCannotRunIsRefusedBeforeItStarts()
    {
        var db = Path.Combine(CliProcess.TempDir(), "never.duckdb");
        var (exit, _, err) = CliProcess.Run("batch", "scenarios/controls-2025.yaml", "--runs", "2", "--out", db, "--set", "materials.dy_oxide.min_price=30000");
        Assert.Equal(2, exit);
        Assert.Contains("materials.dy_oxide.min_price: found 30000, expected at most ref_price (260)", err);
        Assert.DoesNotContain("   at ", err);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void ABatchWhoseRunsAllFailSaysSoAndExitsOne()
    {
        // a sweep stores a grid point the validator refuses as a failed run; here every point is out of range
        var db = Path.Combine(CliProcess.TempDir(), "failed.duckdb");
        var (exit, stdout, err) = CliProcess.Run("sweep", TestPaths.Fixture("small-world.yaml"), "--param", "countries.JP.hoarding_gain=30:40:10",
            "--threads", "1", "--out", db);
        Assert.Equal(1, exit);
        Assert.Contains("error: all 2 runs failed", err);
        Assert.Contains("countries.JP.hoarding_gain: found 30, expected a number between 0 and 20", err);
        Assert.DoesNotContain("complete", stdout);
    }
}
